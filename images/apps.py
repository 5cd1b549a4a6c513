from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Media library"

    def ready(self):
        from core import markup, watching
        from images.library import LIBRARY
        from images.models import Image

        markup.register_image_library(LIBRARY)
        # An image's alt text, caption or renditions show on every page that
        # uses it; which pages those are is known only by reading their text.
        watching.watch(Image)
