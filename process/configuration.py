"""The work description is configuration like the rest: `load_configuration` (and so `migrate`)
loads the repository's definition file when that text is not loaded yet, as a new version;
running episodes keep the version they started with."""

from core.configuration import register_loader
from process.definition import ensure_current_definition


def load_current_definition() -> str:
    version = ensure_current_definition()
    return f"arbetsbeskrivningen version {version.number} gäller"


register_loader("process.definition", load_current_definition)
