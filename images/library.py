"""The media library as core.markup sees it (registered in ImagesConfig.ready):
which images exist, and how each reference to one is shown."""

from images.models import Image
from images.rendering import figure


class ImageLibrary:
    def existing_ids(self, ids):
        return set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))

    def figures(self, references):
        """The HTML of each core.markup.ImageReference, in order: one query
        for all of them. A reference to an image no longer in the library
        shows nothing."""
        images = Image.objects.in_bulk({reference.image_id for reference in references})
        return [
            figure(images[reference.image_id], reference.alt, reference.standalone)
            if reference.image_id in images
            else ""
            for reference in references
        ]


LIBRARY = ImageLibrary()
