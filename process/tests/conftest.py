import pytest

from process.models import EpisodeActivity


@pytest.fixture
def activity():
    def get(episode, key):
        return EpisodeActivity.objects.select_related("definition").get(
            episode=episode, definition__key=key
        )

    return get
