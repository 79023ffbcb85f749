"""Chart geometry for the pages: stacked bars and score-against-target gauges, drawn as inline
SVG by the templates (no JavaScript, nothing fetched from elsewhere; each bar also says its
figures in words, and every chart sits beside a table of the same numbers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.text import format_int


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: float
    text: str  # the value as the bar's words say it
    x: float  # percent of the chart's width
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    caption: str
    total: float
    segments: tuple[Segment, ...]
    href: str | None = None


@dataclass(frozen=True)
class Legend:
    key: str
    label: str


def stacked_bars(
    rows: list[dict],
    segments: list[tuple[str, str]],
    *,
    label: str,
    caption,
    href=None,
    own_scale: bool = False,
    value_text: Callable[[float], str] = lambda count: format_int(round(count)),
) -> list[Bar]:
    """One bar per row, its segments (``(key, label)``, drawn in that order). On a common
    scale the largest row fills the width, so bars compare sizes across rows; with
    ``own_scale`` every bar fills the width, so each shows its row's shares (5 of 5 is full).
    Each segment's value is said in words by ``value_text`` (counts by default)."""
    totals = [sum(float(row.get(key) or 0) for key, _ in segments) for row in rows]
    common = max(totals, default=0) or 1
    bars = []
    for row, total in zip(rows, totals, strict=True):
        scale = (total or 1) if own_scale else common
        x = 0.0
        parts = []
        for key, name in segments:
            value = float(row.get(key) or 0)
            if value:
                width = round(100 * value / scale, 3)
                parts.append(Segment(key, name, value, value_text(value), round(x, 3), width))
                x += width
        bars.append(Bar(str(row[label]), caption(row), total, tuple(parts), href(row) if href else None))
    return bars


@dataclass(frozen=True)
class Gauge:
    """A score on its scale with the year's target marked."""

    score_width: float
    target_x: float | None
    met: bool | None


def gauge(score: float, scale: float, target: float | None) -> Gauge:
    scale = scale or 100.0
    width = max(0.0, min(100.0, 100 * score / scale))
    target_x = None if target is None else max(0.0, min(100.0, 100 * target / scale))
    return Gauge(
        round(width, 3),
        None if target_x is None else round(target_x, 3),
        None if target is None else score >= target,
    )
