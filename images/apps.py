from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Media library"

    def ready(self):
        from core import markup, middleware, watching
        from images.admin import image_upload_limit
        from images.library import LIBRARY
        from images.models import Image

        markup.register_image_library(LIBRARY)
        # Images are uploaded whole: the upload page may receive more than most.
        middleware.allow_larger_body("admin:images_image_add", image_upload_limit)
        # An image's alt text, caption or renditions show on every page that
        # uses it; which pages those are is known only by reading their text.
        watching.watch(Image)
