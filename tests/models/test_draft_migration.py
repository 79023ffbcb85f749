"""The data migration of report drafts: narratives stored by topic (the old shape) become staff
paragraphs under the outline section that printed them, on both engines, nothing lost."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3

import asyncpg

from reports.drafts import STAFF, load_draft
from tests.conftest import _TMP, migrate, scratch_postgres

BEFORE = "2026-11-24T01:44:05:217017"  # the last migration before drafts changed shape
OLD_SECTIONS = {
    "leadership": "UBND tỉnh ban hành Kế hoạch số 5/KH-UBND.",
    "institutions": "Rà soát 120 văn bản.",
    "achievements": "Chỉ số SIPAS tăng.",
    "limitations": "  ",  # blank: nothing to keep
    "next_tasks": "Tiếp tục số hóa hồ sơ.",
    "recommendations": "Đề nghị Bộ Nội vụ hướng dẫn.",
}
EXPECTED = {
    "I": ["UBND tỉnh ban hành Kế hoạch số 5/KH-UBND."],
    "II.1": ["Rà soát 120 văn bản."],
    "III.strengths": ["Chỉ số SIPAS tăng."],
    "IV": ["Tiếp tục số hóa hồ sơ."],
    "V": ["Đề nghị Bộ Nội vụ hướng dẫn."],
}
INSERT = (
    "INSERT INTO report_draft (kind, period_key, scope_key, sections, version, updated_at) "
    "VALUES ('half_year', '2023-H1', 0, {}, 3, '2023-06-10T00:00:00+00:00')"
)


def check(stored: str) -> None:
    draft = load_draft(json.loads(stored))
    assert {key: [item.text for item in items] for key, items in draft.items()} == EXPECTED
    assert all(
        item.kind == STAFF and item.key.startswith("staff:") for items in draft.values() for item in items
    )


def test_sqlite_drafts_move_to_the_new_shape():
    path = _TMP / "draft-migration.sqlite"
    migrate(f"sqlite:///{path}", BEFORE)
    with sqlite3.connect(path) as connection:
        connection.execute(INSERT.format("?"), (json.dumps(OLD_SECTIONS, ensure_ascii=False),))
    migrate(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        stored, version = connection.execute("SELECT sections, version FROM report_draft").fetchone()
    check(stored)
    assert version == 3  # the draft's version is untouched


def test_postgres_drafts_move_to_the_new_shape():
    with scratch_postgres(f"cchc_draft_migration_{os.getpid()}") as url:
        migrate(url, BEFORE)

        async def run(statement: str, *args) -> list:
            connection = await asyncpg.connect(url)
            try:
                return await connection.fetch(statement, *args)
            finally:
                await connection.close()

        asyncio.run(run(INSERT.format("$1"), json.dumps(OLD_SECTIONS, ensure_ascii=False)))
        migrate(url)
        [row] = asyncio.run(run("SELECT sections::text AS sections FROM report_draft"))
        check(row["sections"])
