"""Label sheets as PDF: A4 sheets of 24 labels, or 50x30 mm thermal labels one per page.

The QR code is drawn as vector squares from segno's module matrix, so it stays sharp on any
printer; it encodes the label's provenance URL (`/v/<code>`). Texts use the PDF's built-in
Helvetica (no font files to ship); characters it cannot show are replaced, never dropped silently
from the SKU or price, which are ASCII.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas


class Layout(StrEnum):
    A4 = "a4"
    THERMAL = "thermal"


@dataclass(frozen=True)
class LabelContent:
    product_name: str
    variant_label: str
    price_text: str
    facility_name: str
    workshop_name: str
    sku: str
    code: str
    url: str


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float
    qr_size: float
    padding: float
    name_size: float
    price_size: float
    small_size: float


A4_COLUMNS, A4_ROWS = 3, 8
A4_LABEL = _Geometry(70 * mm, 37 * mm, 27 * mm, 2.5 * mm, 8, 11, 6)
THERMAL_LABEL = _Geometry(50 * mm, 30 * mm, 22 * mm, 1.5 * mm, 6.5, 9, 5)


def render(labels: list[LabelContent], *, layout: Layout, title: str) -> bytes:
    """The PDF of the given labels in the given layout."""
    buffer = io.BytesIO()
    if layout is Layout.THERMAL:
        canvas = Canvas(buffer, pagesize=(THERMAL_LABEL.width, THERMAL_LABEL.height))
        canvas.setTitle(title)
        for label in labels:
            _draw_label(canvas, label, 0, 0, THERMAL_LABEL)
            canvas.showPage()
    else:
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setTitle(title)
        page_width, page_height = A4
        margin_x = (page_width - A4_COLUMNS * A4_LABEL.width) / 2
        margin_y = (page_height - A4_ROWS * A4_LABEL.height) / 2
        per_page = A4_COLUMNS * A4_ROWS
        for index, label in enumerate(labels):
            slot = index % per_page
            if slot == 0 and index:
                canvas.showPage()
            column, row = slot % A4_COLUMNS, slot // A4_COLUMNS
            x = margin_x + column * A4_LABEL.width
            y = page_height - margin_y - (row + 1) * A4_LABEL.height
            _draw_label(canvas, label, x, y, A4_LABEL)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def qr_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules (1 dark, 0 light) for `url`, without the quiet zone."""
    qr = segno.make(url, error="m", micro=False)
    return tuple(tuple(row) for row in qr.matrix)


def _draw_label(canvas: Canvas, label: LabelContent, x: float, y: float, g: _Geometry) -> None:
    _draw_qr(canvas, label.url, x + g.padding, y + (g.height - g.qr_size) / 2, g.qr_size)
    text_x = x + g.padding * 2 + g.qr_size
    text_width = x + g.width - g.padding - text_x
    top = y + g.height - g.padding - g.name_size
    canvas.setFont("Helvetica-Bold", g.name_size)
    lines = _wrap(label.product_name, "Helvetica-Bold", g.name_size, text_width, max_lines=2)
    for line in lines:
        canvas.drawString(text_x, top, line)
        top -= g.name_size * 1.15
    canvas.setFont("Helvetica", g.small_size)
    if label.variant_label:
        canvas.drawString(text_x, top, _fit(label.variant_label, g.small_size, text_width))
        top -= g.small_size * 1.3
    canvas.setFont("Helvetica-Bold", g.price_size)
    canvas.drawString(text_x, top - g.price_size * 0.3, label.price_text)
    bottom = y + g.padding
    canvas.setFont("Helvetica", g.small_size)
    for text in (label.code, label.sku, label.workshop_name, label.facility_name):
        if text:
            canvas.drawString(text_x, bottom, _fit(text, g.small_size, text_width))
            bottom += g.small_size * 1.2


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(url)
    count = len(matrix)
    module = size / count
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            path.rect(
                x + start * module,
                y + size - (row_index + 1) * module,
                (column - start) * module,
                module,
            )
    canvas.drawPath(path, stroke=0, fill=1)


def _printable(text: str) -> str:
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _fit(text: str, size: float, width: float, font: str = "Helvetica") -> str:
    text = _printable(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font: str, size: float, width: float, *, max_lines: int) -> list[str]:
    words = _printable(text).split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [*lines[:-1], _fit(lines[-1], size, width, font)] if lines else []
