"""The report's charts, drawn with matplotlib's Agg canvas (no pyplot, no global backend) at print
resolution, as PNG bytes without a timestamp or software tag: the same figures give the same bytes.

Labels are Vietnamese in the body font, Times New Roman, or its metric twin Liberation Serif where
Times New Roman is not installed; DejaVu Serif, which matplotlib ships, is the last resort. The
fonts are given as a family list, so matplotlib takes each glyph from the first font that has it:
Liberation Serif 1.x (Debian's fonts-liberation) lacks letters such as "ớ", "ự", "ử", which
then come from DejaVu Serif instead of printing as empty boxes. Only the installed ones are
listed: matplotlib logs a warning for a missing family at every glyph lookup (hundreds of lines
per report, enough to fill a log pipe nobody drains and stall the server).
"""

from __future__ import annotations

import functools
import textwrap
import threading
from collections.abc import Sequence
from io import BytesIO

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.text import format_int
from reports.data import AreaResult, DossierRow

DPI = 300
WIDTH_CM = 15  # as wide as it is embedded in the document
FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]
LABEL_WRAP = 28
DONE, TOTAL = "#1f4e79", "#c9d3de"
EARLY, ON_TIME, LATE = "#1f4e79", "#6d9bc3", "#c0392b"
# rc_context changes process-wide settings: reports rendered in worker threads take turns.
_RC_LOCK = threading.Lock()


@functools.cache
def _style() -> dict:
    """The charts' settings: FONTS as far as this machine has them (DejaVu Serif always)."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return {"font.family": [name for name in FONTS if name in installed], "font.size": 9}


def task_completion_chart(areas: Sequence[AreaResult]) -> bytes:
    """Horizontal bars per reform area with tasks (a unit's report leads in few areas: no "0/0"
    rows): all tasks behind, completed ones in front, "x/y" beside."""
    areas = [area for area in areas if area.total]
    with _RC_LOCK, matplotlib.rc_context(_style()):
        figure = _figure(height_cm=2 + 0.9 * len(areas))
        axes = figure.add_subplot()
        rows = range(len(areas))
        axes.barh(rows, [a.total for a in areas], color=TOTAL, label="Tổng số nhiệm vụ")
        axes.barh(rows, [a.completed for a in areas], color=DONE, label="Đã hoàn thành")
        for row, area in zip(rows, areas, strict=True):
            axes.text(area.total, row, f"  {area.completed}/{area.total}", va="center")
        axes.set_yticks(list(rows), [textwrap.fill(a.label, LABEL_WRAP) for a in areas])
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max((a.total for a in areas), default=1) * 1.15 or 1)
        axes.set_xlabel("Số nhiệm vụ")
        return _finish(figure, axes)


def dossier_outcome_chart(months: Sequence[DossierRow]) -> bytes:
    """Stacked bars per month ("T1" … "T12"): dossiers resolved early and on time; the late ones
    as a red line on their own right-hand axis, so that a few hundred stay visible beside a
    hundred thousand."""
    with _RC_LOCK, matplotlib.rc_context(_style()):
        figure = _figure(height_cm=8)
        axes = figure.add_subplot()
        labels = [row.label for row in months]
        early = [row.figures.resolved_early for row in months]
        on_time = [row.figures.resolved_on_time for row in months]
        axes.bar(labels, early, color=EARLY, label="Trước hạn", width=0.6)
        axes.bar(labels, on_time, bottom=early, color=ON_TIME, label="Đúng hạn", width=0.6)
        late_axes = axes.twinx()
        late = [row.figures.resolved_late for row in months]
        late_axes.plot(labels, late, color=LATE, marker="o", linewidth=1.5, label="Quá hạn (trục phải)")
        late_axes.set_ylim(0, max(max(late, default=0) * 1.25, 1))
        late_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        late_axes.set_ylabel("Số hồ sơ giải quyết quá hạn", color=LATE)
        late_axes.tick_params(axis="y", colors=LATE)
        for side in (axes.yaxis, late_axes.yaxis):
            side.set_major_formatter(FuncFormatter(lambda value, _: format_int(round(value))))
        axes.set_ylabel("Số hồ sơ giải quyết trước hạn, đúng hạn")
        late_axes.spines[["top"]].set_visible(False)
        handles = [*axes.get_legend_handles_labels()[0], *late_axes.get_legend_handles_labels()[0]]
        axes.legend(handles=handles, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.04), ncols=3)
        return _png(figure, axes)


def _figure(height_cm: float) -> Figure:
    figure = Figure(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _finish(figure: Figure, axes) -> bytes:
    """The legend above the plot (the document's caption names the chart) and the PNG bytes."""
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.04), ncols=3)
    return _png(figure, axes)


def _png(figure: Figure, axes) -> bytes:
    axes.spines[["top"]].set_visible(False)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
