"""The charts: print resolution, no timestamp or software tag, Vietnamese glyphs all present."""

from __future__ import annotations

import struct
import warnings
import zlib
from dataclasses import replace

import pytest

from reports.charts import DPI, WIDTH_CM, dossier_outcome_chart, task_completion_chart
from reports.data import TaskCounts
from tests.reports import sample

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> dict[bytes, list[bytes]]:
    assert png.startswith(PNG_SIGNATURE)
    found: dict[bytes, list[bytes]] = {}
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + data) == crc
        found.setdefault(kind, []).append(data)
        offset += 12 + length
    return found


def draw_both() -> list[bytes]:
    data = sample.report()
    return [task_completion_chart(data.plan.areas), dossier_outcome_chart(data.dossiers.by_month)]


@pytest.mark.parametrize("which", [0, 1])
def test_charts_are_300_dpi_fifteen_centimetres_wide_without_metadata(which):
    png = draw_both()[which]
    parts = chunks(png)
    width, height = struct.unpack(">II", parts[b"IHDR"][0][:8])
    assert width == pytest.approx(WIDTH_CM / 2.54 * DPI, abs=2) and height > 0
    per_metre_x, per_metre_y, unit = struct.unpack(">IIB", parts[b"pHYs"][0])
    assert unit == 1 and round(per_metre_x * 0.0254) == round(per_metre_y * 0.0254) == 300
    assert b"tIME" not in parts
    texts = b"".join(parts.get(b"tEXt", []) + parts.get(b"iTXt", []) + parts.get(b"zTXt", []))
    assert b"Software" not in texts and b"matplotlib" not in texts.lower()


def test_an_area_without_tasks_has_no_bar():
    """A unit's report leads tasks in a few areas: the chart shows those, not rows of "0/0"."""
    areas = sample.report().plan.areas
    emptied = [replace(area, counts=TaskCounts()) if index % 2 else area for index, area in enumerate(areas)]
    assert task_completion_chart(emptied) == task_completion_chart([a for a in emptied if a.total])
    assert task_completion_chart(emptied) != task_completion_chart(areas)


def test_the_same_figures_draw_the_same_bytes():
    assert draw_both() == draw_both()


def test_every_vietnamese_glyph_is_in_the_font():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        draw_both()


def test_drawing_logs_no_font_warning(caplog):
    """A family missing on this machine is left out of the list: matplotlib would otherwise log
    "findfont: Font family ... not found" at every glyph (hundreds of lines per report, which
    once filled the browser tests' unread log pipe and hung the server at shutdown)."""
    with caplog.at_level("WARNING", logger="matplotlib"):
        draw_both()
    assert [record.getMessage() for record in caplog.records if record.name.startswith("matplotlib")] == []
