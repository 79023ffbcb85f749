"""`cchc demo dossiers`: the demo dossier file from the command line, on each engine."""

from __future__ import annotations

import csv
import re

import pytest

from demo.dossiers import HEADER, target_totals
from tests.cli.test_main import cchc

pytestmark = pytest.mark.anyio


async def test_demo_dossiers_needs_the_demo_then_writes_the_year(db, database_url, tmp_path):
    output = tmp_path / "ho-so-2020.csv"
    missing = cchc(
        database_url, "demo", "dossiers", "--year", "2020", "--scale", "0.001", "--output", str(output)
    )
    assert missing.returncode == 1 and "cchc demo" in missing.stdout
    assert not output.exists()

    loaded = cchc(database_url, "demo")  # still loads the demo when called without a subcommand
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "'procedures': 1882" in " ".join(loaded.stdout.split())  # rich wraps at 80 columns

    result = cchc(
        database_url, "demo", "dossiers", "--year", "2020", "--scale", "0.001", "--output", str(output)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    target = target_totals(0.001)
    assert target["received"] == 1191
    # One convention per language: English messages 1,191; the Vietnamese table 1.191.
    assert "Wrote 1,191 dossiers" in result.stdout
    assert re.search(r"Tiếp nhận\s.*1\.191", result.stdout)
    assert "Giải quyết quá hạn" in result.stdout
    with output.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    assert tuple(rows[0]) == HEADER and len(rows) == 1 + 1191

    bad = cchc(database_url, "demo", "dossiers", "--scale", "0", "--output", str(tmp_path / "x.csv"))
    assert bad.returncode == 1 and "scale" in bad.stdout
