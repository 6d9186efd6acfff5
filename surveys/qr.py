"""The QR code of an invitation's link, as inline SVG (segno), for the printed invitation."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def svg(text: str) -> SafeString:
    """A QR code of `text` (error correction M), drawn black on white, labelled for readers."""
    code = segno.make(text, error="m")
    drawing = code.svg_inline(scale=4, title="QR-kod till enkäten", svgclass="qr")
    return mark_safe(drawing)  # noqa: S308 - segno escapes the title; the rest is its drawing
