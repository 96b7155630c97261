"""Writing SVG: elements with escaped text and attributes, the outer `<svg>` with its accessible
name, and the measuring and wrapping of text.

No inline `style` attributes, which the strict Content-Security-Policy would block
(presentation attributes such as `fill` are allowed). Every piece of text is XML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from django.utils.safestring import SafeString, mark_safe

from .style import CHAR_WIDTH, FONT_FAMILY, FONT_SIZE, TEXT, WHITE, WIDTH

_ID_PATTERN = re.compile(r"[a-z][a-z0-9-]*")


def num(x: float) -> str:
    """A coordinate to one decimal place, without a trailing ".0"."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name}="{html.escape(text, quote=True)}"')
    return "".join(parts)


def el(tag: str, content: str = "", **attrs: object) -> str:
    """An element; `content` must already be markup (use `text` for text)."""
    if content:
        return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"
    return f"<{tag}{_attrs(attrs)}/>"


def text(x: float, y: float, words: str, **attrs: object) -> str:
    return el("text", html.escape(words, quote=False), x=float(x), y=float(y), **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return el("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def path_data(points: Sequence[tuple[float, float] | None]) -> str:
    """SVG path data joining the points in order, with a gap wherever a point is None."""
    segments: list[list[str]] = [[]]
    for point in points:
        if point is None:
            segments.append([])
        else:
            segments[-1].append(f"{num(point[0])},{num(point[1])}")
    return " ".join("M" + " L".join(segment) for segment in segments if segment)


def text_width(words: str) -> float:
    return len(words) * CHAR_WIDTH


def wrap(words: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def check_id(chart_id: str) -> None:
    if not _ID_PATTERN.fullmatch(chart_id):
        raise ValueError(
            f"{chart_id!r} is not a usable chart id: use lower-case letters, digits and hyphens, "
            "starting with a letter."
        )


def document(
    chart_id: str, title: str, description: str, height: float, body: list[str]
) -> SafeString:
    """The whole `<svg>`, named by its title and description (`role="img"`, `aria-labelledby`)."""
    content = "".join(
        [
            el("title", html.escape(title, quote=False), id=f"{chart_id}-title"),
            el("desc", html.escape(description, quote=False), id=f"{chart_id}-desc"),
            el("rect", width=WIDTH, height=num(height), fill=WHITE),
            *body,
        ]
    )
    svg = el(
        "svg",
        content,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {num(height)}",
        width=WIDTH,
        height=num(height),
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family=FONT_FAMILY,
        font_size=FONT_SIZE,
        fill=TEXT,
    )
    return mark_safe(svg)  # noqa: S308 - every text and attribute above is escaped
