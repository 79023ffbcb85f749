"""Drafts in the new shape. A draft used to hold one narrative text per topic
({"leadership": "...", "limitations": "...", "institutions": "..."}); it now holds, per outline
section, the ordered list of its paragraphs (reports.drafts). Each old narrative becomes a
paragraph staff wrote, at the end of the outline section that printed it, so nothing written is
lost and the generated placeholders it answered stay listed until staff delete them."""

import json
import uuid

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T09:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "report drafts: narratives by topic become staff paragraphs by outline section"

SECTION_OF_NARRATIVE = {
    "leadership": "I",
    "institutions": "II.1",
    "procedures": "II.2",
    "organisation": "II.3",
    "civil_service": "II.4",
    "public_finance": "II.5",
    "digital_government": "II.6",
    "achievements": "III.strengths",
    "limitations": "III.limitations",
    "causes": "III.causes",
    "next_tasks": "IV",
    "recommendations": "V",
}


class RawTable(Table):
    pass


def new_shape(old: dict) -> dict:
    sections = {}
    for topic, text in old.items():
        if not isinstance(text, str):  # already a list of items: migrated
            sections[topic] = text
        elif text.strip():
            item = {"kind": "staff", "key": f"staff:{uuid.uuid4()}", "text": text.strip()}
            sections.setdefault(SECTION_OF_NARRATIVE.get(topic, topic), []).append(item)
    return sections


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def migrate_drafts():
        for row in await RawTable.raw("SELECT id, sections FROM report_draft"):
            stored = row["sections"]
            old = json.loads(stored) if isinstance(stored, str) else (stored or {})
            await RawTable.raw(
                "UPDATE report_draft SET sections = {} WHERE id = {}",
                json.dumps(new_shape(old), ensure_ascii=False),
                row["id"],
            )

    manager.add_raw(migrate_drafts)
    return manager
