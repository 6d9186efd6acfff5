"""What free text may contain: no control characters besides tab and line breaks.

A NUL byte cannot be stored in PostgreSQL's text, and the other control characters (C0, DEL,
C1) have no place in a note or a name: they only hide or garble what a reader sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_character(text: str) -> bool:
    """Whether `text` holds a control character other than tab, line feed or carriage return."""
    return FORBIDDEN.search(text) is not None


def fields_with_control_characters(data: Any, path: str = "") -> Iterator[str]:
    """The dotted paths (`notes.0.text`) of the strings in decoded JSON `data` (and of its
    object keys) that hold a control character; `""` names the whole value."""
    if isinstance(data, str):
        if has_control_character(data):
            yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            inner = f"{path}.{key}" if path else str(key)
            if has_control_character(str(key)):
                yield inner
            yield from fields_with_control_characters(value, inner)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from fields_with_control_characters(
                value, f"{path}.{index}" if path else str(index)
            )
