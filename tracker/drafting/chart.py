"""The indicators' scores as a bar chart image (PNG), drawn locally with Pillow and the bundled Sarabun font."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..ita import INDICATOR_NAMES, PASS_MARK
from ..thai import to_thai_digits

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "sarabun"
WIDTH, HEIGHT = 1600, 900
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 110, 40, 90, 120
BAR = (46, 94, 170)
BELOW = (200, 70, 50)
GRID = (220, 220, 220)
INK = (40, 40, 40)


def _font(size: int, thai: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "sarabun-thai-400-normal.woff" if thai else "sarabun-latin-400-normal.woff2"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:  # a checkout without the vendored fonts still gets a chart
        return ImageFont.load_default(size)


def score_chart(scores: dict[int, float | None], title: str, *, thai_digits: bool = False) -> bytes:
    """A bar per indicator (1-10) with its score, the pass mark as a dashed line; PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    digits_font = _font(30, thai_digits)
    small = _font(26, thai_digits)
    digits = to_thai_digits if thai_digits else str
    draw.text((WIDTH // 2, 40), title, fill=INK, font=_font(40, True), anchor="mm")

    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    bottom = MARGIN_TOP + plot_height

    def y_of(value: float) -> float:
        return bottom - plot_height * value / 100

    for tick in range(0, 101, 20):
        y = y_of(tick)
        draw.line((MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y), fill=GRID, width=2)
        draw.text((MARGIN_LEFT - 15, y), digits(str(tick)), fill=INK, font=small, anchor="rm")
    pass_y = y_of(PASS_MARK)
    for x in range(MARGIN_LEFT, WIDTH - MARGIN_RIGHT, 30):
        draw.line((x, pass_y, x + 16, pass_y), fill=BELOW, width=3)

    slot = plot_width / len(INDICATOR_NAMES)
    for index, number in enumerate(INDICATOR_NAMES):
        left = MARGIN_LEFT + slot * index + slot * 0.2
        right = left + slot * 0.6
        centre = (left + right) / 2
        score = scores.get(number)
        if score is not None:
            colour = BELOW if score < PASS_MARK else BAR
            draw.rectangle((left, y_of(score), right, bottom), fill=colour)
            draw.text((centre, y_of(score) - 8), digits(f"{score:.2f}"), fill=INK, font=small, anchor="md")
        draw.text((centre, bottom + 30), digits(str(number)), fill=INK, font=digits_font, anchor="mm")
    draw.line((MARGIN_LEFT, bottom, WIDTH - MARGIN_RIGHT, bottom), fill=INK, width=3)
    draw.text((WIDTH // 2, HEIGHT - 35), "ตัวชี้วัดที่", fill=INK, font=_font(30, True), anchor="mm")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def score_chart_svg(scores: dict[int, float | None], *, thai_digits: bool = False) -> str:
    """The same chart as inline SVG, for the HTML behind the PDF (no image file, no inline style)."""
    digits = to_thai_digits if thai_digits else str
    width, height, left, top, bottom_margin = 640, 300, 40, 20, 40
    plot_w, plot_h = width - left - 10, height - top - bottom_margin
    bottom = top + plot_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" font-family="Sarabun Thai, Sarabun Latin, sans-serif" class="score-chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}">']
    for tick in range(0, 101, 20):
        y = bottom - plot_h * tick / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{digits(str(tick))}</text>')
    pass_y = bottom - plot_h * PASS_MARK / 100
    parts.append(f'<line x1="{left}" y1="{pass_y:.1f}" x2="{width - 10}" y2="{pass_y:.1f}" '
                 'stroke="#c84632" stroke-dasharray="6 4" stroke-width="1.5"/>')
    slot = plot_w / len(INDICATOR_NAMES)
    for index, number in enumerate(INDICATOR_NAMES):
        x = left + slot * index + slot * 0.2
        centre = x + slot * 0.3
        score = scores.get(number)
        if score is not None:
            y = bottom - plot_h * score / 100
            colour = "#c84632" if score < PASS_MARK else "#2e5eaa"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{bottom - y:.1f}" fill="{colour}"/>')
            parts.append(f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="10">'
                         f'{digits(f"{score:.2f}")}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12">{digits(str(number))}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12">ตัวชี้วัดที่</text>')
    parts.append("</svg>")
    return "".join(parts)
