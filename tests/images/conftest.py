import pytest


@pytest.fixture(autouse=True)
def media_folder(settings, tmp_path):
    """Each test's uploads in a folder of its own, never in the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
