"""The dossier outcome classes the statistics and reports count, at their boundaries, on both
engines: resolved early (on a day before the due day), on time (on the due day, by the due
moment) or late (after the due moment); returned, withdrawn and open dossiers have no class."""

from __future__ import annotations

import pytest

from models.dossiers.ingest import ingest_records
from models.dossiers.tables import Dossier
from tests.dossier_data import build_catalogue, dossier
from tests.world import build_world

pytestmark = pytest.mark.anyio

DUE = "2024-03-15T17:00:00+07:00"  # 17:00 on 15 March in the province
# Rule: dossier timeliness (models.dossiers.records), from when it was resolved against its due moment.
CASES = [
    ("early, days before", "resolved", "2024-03-10T10:00:00+07:00", "early"),
    ("early, the evening before", "resolved", "2024-03-14T23:59:00+07:00", "early"),
    ("on time, the due day's first minute", "resolved", "2024-03-15T00:00:00+07:00", "on_time"),
    ("on time, at the due moment", "resolved", DUE, "on_time"),
    ("late, a minute after", "resolved", "2024-03-15T17:01:00+07:00", "late"),
    ("late, the next day", "resolved", "2024-03-16T08:00:00+07:00", "late"),
    # 16:30 UTC on the 14th is 23:30 on the 14th in the province: a day early, not on time.
    ("early by the province's calendar", "resolved", "2024-03-14T16:30:00+00:00", "early"),
    ("returned", "returned", "2024-03-10T10:00:00+07:00", None),
    ("withdrawn", "withdrawn", "2024-03-16T08:00:00+07:00", None),
    ("open", "open", "", None),
]


async def test_each_dossier_outcome_class(db):
    world = await build_world()
    await build_catalogue(world)
    records = [
        {
            key: value
            for key, value in dossier(f"HS-{n}", due_at=DUE, outcome=outcome, resolved_at=resolved).items()
            if value
        }
        for n, (_, outcome, resolved, _) in enumerate(CASES)
    ]
    await ingest_records(world.admin, records)
    stored = {
        row["code"]: row["timeliness"] for row in await Dossier.select(Dossier.code, Dossier.timeliness)
    }
    assert {name: stored[f"HS-{n}"] for n, (name, *_) in enumerate(CASES)} == {
        name: expected for name, _, _, expected in CASES
    }
