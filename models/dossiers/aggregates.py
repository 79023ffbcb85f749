"""The dossier tallies as a whole: recomputing them all from the rows, and when a migration
leaves them to be filled.

A migration that creates a tally table (or the unique key its upserts rely on) does not fill
it: a migration runs again on every new database, for years, and code it called would by then
follow a later schema (columns a later migration adds) and fail. ``cchc migrate`` fills the
tallies instead, after the last migration, with the code that matches the schema it left."""

from __future__ import annotations

from piccolo.apps.migrations.tables import Migration

from models.dossiers.service_tally import rebuild_service_tally
from models.dossiers.tallies import rebuild_tallies

APP = "models"
# The migrations after which the tallies are to be computed from the dossiers already stored.
FILLED_AFTER = frozenset(
    {
        "2026-11-30T08:22:06:000000",  # the day, month and fine tallies' keys
        "2026-11-30T12:30:00:000000",  # the service-index tally by unit: its key
        "2026-11-30T13:19:47:000000",  # the service-index tally by procedure: its key
    }
)


async def rebuild_aggregates() -> dict[str, int]:
    """Every tally recomputed from the dossier rows and replaced; per table, how many keys
    differed from what was stored."""
    differences = await rebuild_tallies()
    differences.update(await rebuild_service_tally())
    return differences


async def migrations_run() -> frozenset[str]:
    """The ids of this app's migrations the database has run (none for a new database)."""
    if not await Migration.table_exists():
        return frozenset()
    return frozenset(await Migration.get_migrations_which_ran(app_name=APP))


def tallies_to_fill(newly_run: frozenset[str]) -> bool:
    return not FILLED_AFTER.isdisjoint(newly_run)
