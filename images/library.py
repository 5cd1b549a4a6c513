"""The media library as core.markup sees it (registered in ImagesConfig.ready):
which images exist, and how each reference to one is shown."""

from images.models import Image
from images.rendering import figure


class ImageLibrary:
    def existing_ids(self, ids):
        return set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))

    def load(self, ids):
        return Image.objects.in_bulk(ids)

    def figure(self, image, reference):
        """The HTML of a core.markup.ImageReference to `image`."""
        return figure(image, reference.alt, reference.standalone)


LIBRARY = ImageLibrary()
