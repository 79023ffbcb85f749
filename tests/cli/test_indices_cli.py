"""`cchc indices import FILE`, run as a real process against each engine's database."""

from __future__ import annotations

import pytest

from models.indices.service import get_index_result
from tests.cli.test_main import cchc
from tests.models.test_indices import ROWS, csv_file, xlsx_file

pytestmark = pytest.mark.anyio


async def test_indices_import(db, database_url, tmp_path):
    scores = tmp_path / "chi-so.xlsx"
    scores.write_bytes(xlsx_file(ROWS))
    imported = cchc(database_url, "indices", "import", str(scores))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "4 created, 0 updated, 0 unchanged" in imported.stdout
    assert (await get_index_result("par_index", 2024))["score_change"] == -0.69

    bad = tmp_path / "chi-so-loi.csv"
    bad.write_bytes(csv_file([["PAPI", "2024", "", "81", "", "", "", "", ""]]))
    rejected = cchc(database_url, "indices", "import", str(bad))
    assert rejected.returncode == 1 and "row 2: Điểm" in rejected.stdout
    assert (await get_index_result("papi", 2024))["score"] == 47.82
