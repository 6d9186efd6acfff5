from process.definition import CURRENT_DEFINITION, diff_versions, load_definition
from process.models import DefinitionVersion, EpisodeActivity
from tests.factories import TEST_IDENTIFIERS, admit


def new_version_text() -> str:
    text = CURRENT_DEFINITION.read_text(encoding="utf-8")
    return text.replace(
        "title: Skicka inskrivningsmeddelande\n", "title: Skicka inskrivningsmeddelandet\n", 1
    )


def test_a_fresh_database_has_the_current_definition_after_migrate(db):
    version = DefinitionVersion.current()
    assert version is not None and version.activities.count() >= 60


def test_loading_the_same_file_twice_creates_no_new_version(db):
    before = DefinitionVersion.objects.count()
    _version, created = load_definition(CURRENT_DEFINITION.read_text(encoding="utf-8"))
    assert created is False
    assert DefinitionVersion.objects.count() == before


def test_a_running_episode_keeps_its_version_and_a_new_one_takes_the_current(org):
    first = admit(org)
    old = DefinitionVersion.current()
    new, created = load_definition(new_version_text())
    assert created and new.number == old.number + 1
    second = admit(org, identifier=TEST_IDENTIFIERS[1])
    first.refresh_from_db()
    assert first.process.version == old and second.process.version == new
    titles = dict(
        EpisodeActivity.objects.filter(definition__key="SV-04").values_list(
            "episode_id", "definition__title"
        )
    )
    assert titles == {
        first.id: "Skicka inskrivningsmeddelande",
        second.id: "Skicka inskrivningsmeddelandet",
    }


def test_the_difference_between_versions_names_the_changed_field(db):
    old = DefinitionVersion.current()
    new, _ = load_definition(new_version_text())
    [change] = diff_versions(old, new)
    assert (change.key, change.kind) == ("SV-04", "changed")
    assert change.fields == [
        ("Titel", "Skicka inskrivningsmeddelande", "Skicka inskrivningsmeddelandet")
    ]


def test_administrators_see_versions_and_changes(org, client):
    load_definition(new_version_text())
    client.force_login(org.admin)
    page = client.get("/process/versioner/").content.decode()
    assert "Skicka inskrivningsmeddelandet" in page and "Titel" in page
    client.force_login(org.nurse)
    assert client.get("/process/versioner/").status_code == 403
