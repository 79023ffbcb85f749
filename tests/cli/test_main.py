"""The operator's `cchc` command, run as a real process against each engine's database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from models.accounts.service import sign_in
from models.plans.plans import plan_for_year
from models.plans.progress import plan_summary
from tests.models.test_plan_files import GOOD, xlsx

pytestmark = pytest.mark.anyio


def cchc(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


async def test_demo_users_and_plan_import(db, database_url, tmp_path):
    first = cchc(database_url, "demo")
    assert first.returncode == 0, first.stderr
    assert "'tasks': 32" in first.stdout
    assert "'tasks': 0" in cchc(database_url, "demo").stdout

    created = cchc(
        database_url,
        "users",
        "create",
        "giamdoc",
        "--role",
        "unit_head",
        "--unit",
        "STP",
        stdin="mat-khau-dai\n",
    )
    assert created.returncode == 0, created.stderr
    token, _ = await sign_in("giamdoc", "mat-khau-dai")
    assert token

    no_unit = cchc(database_url, "users", "create", "x", "--role", "unit_head", stdin="mat-khau-dai\n")
    assert no_unit.returncode == 1 and "unit" in no_unit.stdout

    plan_file = tmp_path / "ke-hoach-2025.xlsx"
    plan_file.write_bytes(xlsx(GOOD))  # its units STP and SYT are demo units
    imported = cchc(database_url, "plans", "import", str(plan_file), "--year", "2025")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "2 created" in imported.stdout
    plan = await plan_for_year(2025)
    assert (await plan_summary(plan["id"]))["total"] == 2

    broken = tmp_path / "broken.csv"
    broken.write_text(
        "Mã nhiệm vụ,Lĩnh vực,Nhiệm vụ,Đơn vị chủ trì,Thời hạn\nA.1,?,x,NOPE,mai\n", encoding="utf-8"
    )
    failed = cchc(database_url, "plans", "import", str(broken), "--year", "2025")
    assert failed.returncode == 1 and "row 2" in failed.stdout


async def test_procedures_import(db, database_url, tmp_path):
    from models.procedures.service import ProcedureFilter, procedure_counts
    from tests.models.test_procedures import ROWS, csv_file

    assert cchc(database_url, "demo").returncode == 0
    catalogue = tmp_path / "tthc.csv"
    catalogue.write_bytes(csv_file(ROWS))
    result = cchc(database_url, "procedures", "import", str(catalogue))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 created" in result.stdout
    assert (await procedure_counts(ProcedureFilter()))["total"] == 1882 + 4  # the demo's catalogue + 4


def test_serve_help_says_what_it_serves(database_url):
    shown = cchc(database_url, "serve", "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    assert "Serve the API and the web pages" in text and "later" not in text
