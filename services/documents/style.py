"""Page sizes, fonts, colours and paragraph styles for every document, in one place.

Helvetica (a PDF base font, WinAnsi) covers Portuguese accents, "ª", "º", "—" and "…" without
shipping a TTF; every document uses it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

MM = 72 / 25.4  # points per millimetre (reportlab.lib.units.mm, without importing reportlab)

A4 = (210 * MM, 297 * MM)
ROLL_WIDTH = 80 * MM
ROLL_MARGIN = 4 * MM
A4_MARGIN = 15 * MM

# Carnê: three slips of 210 × 99 mm on an A4 page (DOMAIN: 60–108 × 145–216 mm).
SLIP_HEIGHT = 99 * MM
SLIP_MARGIN = 5 * MM
STUB_WIDTH = 45 * MM
STUB_GAP = 4 * MM
SIDE_COLUMN = 36 * MM  # right column of a ficha: vencimento, valor, Pix QR

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
LABEL_SIZE = 5.5
VALUE_SIZE = 8.0
MIN_SIZE = 5.0

# ITF (FEBRABAN): narrow bar 0.254 mm, wide 3×, 13 mm tall, ≥ 5 mm quiet zones.
ITF_BAR_WIDTH = 0.254 * MM
ITF_RATIO = 3.0
ITF_HEIGHT = 13 * MM
ITF_QUIET = 5 * MM
QR_SIDE = 26 * MM  # ≥ 25 mm reads from phone cameras

INK = (0.0, 0.0, 0.0)
GREY = (0.35, 0.35, 0.35)
LIGHT = (0.85, 0.85, 0.85)
RED = (0.75, 0.0, 0.0)


@cache
def paragraph_styles() -> dict[str, Any]:
    """Paragraph styles for the flowing documents (receipt, disclosure); built on first use."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "shop": ParagraphStyle("shop", parent=body, fontName=FONT_BOLD, fontSize=11, leading=13),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=4
        ),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "center_bold": ParagraphStyle(
            "center_bold", parent=body, fontName=FONT_BOLD, alignment=TA_CENTER
        ),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "body_right": ParagraphStyle("body_right", parent=body, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=8, leading=9.5, alignment=TA_RIGHT
        ),
        "banner": ParagraphStyle(
            "banner",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=13,
            alignment=TA_CENTER,
            textColor=RED,
        ),
    }


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


INK_HEX = _hex(INK)
LIGHT_HEX = _hex(LIGHT)
RED_HEX = _hex(RED)
