"""The report's charts, drawn with matplotlib's Agg canvas (no pyplot, no global backend) at print
resolution, as PNG bytes without a timestamp or software tag: the same figures give the same bytes.

Labels are Vietnamese in DejaVu Sans, which matplotlib ships and which has the Vietnamese glyphs.
"""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Sequence
from io import BytesIO

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.text import format_int
from reports.data import AreaResult, DossierRow

DPI = 300
WIDTH_CM = 15  # as wide as it is embedded in the document
FONT = "DejaVu Sans"
LABEL_WRAP = 28
DONE, TOTAL = "#1f4e79", "#c9d3de"
EARLY, ON_TIME, LATE = "#1f4e79", "#6d9bc3", "#c0392b"
_STYLE = {"font.family": FONT, "font.size": 8}
# rc_context changes process-wide settings: reports rendered in worker threads take turns.
_RC_LOCK = threading.Lock()


def task_completion_chart(areas: Sequence[AreaResult]) -> bytes:
    """Horizontal bars per reform area: all tasks behind, completed ones in front, "x/y" beside."""
    with _RC_LOCK, matplotlib.rc_context(_STYLE):
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
    """Stacked bars per month: dossiers resolved early, on time and late."""
    with _RC_LOCK, matplotlib.rc_context(_STYLE):
        figure = _figure(height_cm=8)
        axes = figure.add_subplot()
        labels = [row.label for row in months]
        bottom = [0] * len(months)
        for name, color, values in (
            ("Trước hạn", EARLY, [row.figures.resolved_early for row in months]),
            ("Đúng hạn", ON_TIME, [row.figures.resolved_on_time for row in months]),
            ("Quá hạn", LATE, [row.figures.resolved_late for row in months]),
        ):
            axes.bar(labels, values, bottom=bottom, color=color, label=name, width=0.6)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_int(round(value))))
        axes.set_ylabel("Số hồ sơ đã giải quyết")
        return _finish(figure, axes)


def _figure(height_cm: float) -> Figure:
    figure = Figure(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _finish(figure: Figure, axes) -> bytes:
    """The legend above the plot (the document's caption names the chart) and the PNG bytes."""
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.04), ncols=3)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
