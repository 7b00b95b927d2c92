"""Platypus helpers shared by the flowing documents (receipt, disclosure)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from services.documents import style
from services.documents.common import Canvas, shop_lines
from services.documents.data import Shop

Flowable = Any  # reportlab.platypus.Flowable (untyped)
OnPage = Callable[[Canvas, Any], None]
Size = Literal["roll", "a4"]  # the counter's 80 mm thermal roll, or an A4 sheet


def p(text: str, style_name: str = "body") -> Flowable:
    """A paragraph of plain text: escaped, so "&" or "<" in a name prints as typed."""
    return Paragraph(escape(text), style.paragraph_styles()[style_name])


def markup(text: str, style_name: str = "body") -> Flowable:
    """A paragraph whose text already holds reportlab markup (<b>); values escaped by caller."""
    return Paragraph(text, style.paragraph_styles()[style_name])


def shop_block(shop: Shop, style_name: str = "body") -> list[Flowable]:
    first, *rest = shop_lines(shop)
    return [p(first, "shop"), *(p(line, style_name) for line in rest)]


def key_value_table(
    rows: Sequence[tuple[str, str]], width: float, *, bold_last: bool = False, size: str = "cell"
) -> Flowable:
    """Label on the left, value right-aligned on the right (amounts line up)."""
    data = [[p(label, size), p(value, f"{size}_right")] for label, value in rows]
    if bold_last and data:
        label, value = rows[-1]
        data[-1] = [
            markup(f"<b>{escape(label)}</b>", size),
            markup(f"<b>{escape(value)}</b>", f"{size}_right"),
        ]
    table = Table(data, colWidths=[width * 0.55, width * 0.45])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ]
        )
    )
    return table


def column_widths(columns: Sequence[tuple[str, float]], width: float) -> list[float]:
    """The widths of ``(heading, share)`` columns filling ``width`` (shares need not add to 1)."""
    scale = 1 / sum(share for _, share in columns)
    return [width * share * scale for _, share in columns]


def totals_table(
    data: list[list[str]],
    widths: Sequence[float],
    *,
    size: float,
    leading: float,
    pad: float,
    top_padding: float,
    bottom_padding: float,
    heading_at_bottom: bool = False,
) -> Flowable:
    """Plain-string cells (fast, and they never overflow): a bold heading row, a bold total row
    last, the amounts (fourth column on) aligned right."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), style.FONT, size, leading),
        ("FONT", (0, 0), (-1, 0), style.FONT_BOLD, size, leading),
        ("FONT", (0, -1), (-1, -1), style.FONT_BOLD, size, leading),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.INK_HEX),
        ("LINEBELOW", (0, 1), (-1, -3), 0.25, style.LIGHT_HEX),
        ("LINEABOVE", (0, -1), (-1, -1), 0.6, style.INK_HEX),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if heading_at_bottom:
        commands.append(("VALIGN", (0, 0), (-1, 0), "BOTTOM"))
    commands += [
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), top_padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom_padding),
    ]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def build(
    story: list[Flowable],
    pagesize: tuple[float, float],
    margin: float,
    title: str,
    on_page: OnPage | None = None,
) -> bytes:
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="Crediário",
        pageCompression=1,
    )
    frame = Frame(
        margin, margin, pagesize[0] - 2 * margin, pagesize[1] - 2 * margin, 0, 0, 0, 0, id="body"
    )
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page or _nothing)])
    doc.build(story)
    return buffer.getvalue()


def story_height(story: Sequence[Flowable], width: float) -> float:
    """Height the story takes in one column of ``width``: a roll receipt is cut to content."""
    total = 0.0
    for flowable in story:
        _, h = flowable.wrap(width, 10_000)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def build_roll_or_a4(
    size: Size,
    story_for: Callable[[float, bool], list[Flowable]],
    title: str,
    on_page: OnPage | None = None,
) -> bytes:
    """Build on the 80 mm roll (cut to the story's height) or on A4.

    ``story_for(width, compact)`` lays the document out for the column ``width``; ``compact``
    (smaller print) on the roll.
    """
    if size == "roll":
        margin = style.ROLL_MARGIN
        width = style.ROLL_WIDTH - 2 * margin
        story = story_for(width, True)
        height = story_height(story, width) + 2 * margin + 2 * style.MM
        pagesize = (style.ROLL_WIDTH, height)
    else:
        margin = style.A4_MARGIN
        width = style.A4[0] - 2 * margin
        story = story_for(width, False)
        pagesize = style.A4
    return build(story, pagesize, margin, title, on_page)


def _nothing(canvas: Canvas, doc: Any) -> None:
    return None
