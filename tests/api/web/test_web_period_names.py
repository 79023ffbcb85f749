"""A period is named one way on every page (core.text.period_name): "quý I năm 2024", in Roman
numerals; its key ("2024-Q1") only in addresses and field values."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("path", ["/reports", "/reports/drafts"])
async def test_the_report_forms_name_the_quarters_in_roman_numerals(browser, path):
    await browser.sign_in_as("staff")
    page = (await browser.get(path)).text
    field = page[
        page.index('<select id="quarter"') : page.index("</select>", page.index('<select id="quarter"'))
    ]
    assert re.findall(r'<option value="(\d)"[^>]*>([^<]*)</option>', field) == [
        ("1", "Quý I"),
        ("2", "Quý II"),
        ("3", "Quý III"),
        ("4", "Quý IV"),
    ]
