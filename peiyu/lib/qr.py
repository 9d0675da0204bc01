"""QR codes as SVG, drawn on the server (no script, works offline, prints sharp)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.http import HttpResponse


def svg_response(value: str) -> HttpResponse:
    """The QR code of ``value`` (a link, usually) as an SVG image."""
    image = qrcode.make(value, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")
