"""One way to print a page as a PDF for every module: a template rendered by WeasyPrint (tagged
PDF/UA, so screen readers can follow it), with Debian's DejaVu fonts."""

from __future__ import annotations

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF bytes of `template` rendered with `context`."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
