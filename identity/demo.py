"""The demo's Min planering personas: who `seed_demo` set up to show (the individual with a SIP
plan, a relative with access, a legal representative), listed first on the demo's test
identification page so a newcomer finds them. Kept as a small file in VAR_DIR, since the demo
data is written by an app above this one. Never used outside the demo (DEBUG only)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from django.conf import settings


@dataclass(frozen=True)
class Persona:
    personal_identity_number: str  # 12 digits
    name: str
    role: str  # what the page says they are, e.g. "den enskilde", "dotter", "förvaltare"

    @property
    def display_identifier(self) -> str:
        return f"{self.personal_identity_number[:8]}-{self.personal_identity_number[8:]}"


def _path():
    return settings.VAR_DIR / "demo_citizens.json"


def remember_personas(personas: list[Persona]) -> None:
    _path().parent.mkdir(parents=True, exist_ok=True)
    _path().write_text(json.dumps([asdict(p) for p in personas], ensure_ascii=False))


def personas() -> list[Persona]:
    try:
        return [Persona(**row) for row in json.loads(_path().read_text())]
    except (OSError, ValueError, TypeError):
        return []
