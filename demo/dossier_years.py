"""The demo's dossier years, imported as import jobs: 2020 and 2023 (the seed figures) and the
current year up to yesterday. ``cchc serve --demo-dossiers-scale`` runs them after the server answers,
so the pages are up within seconds of the install and show each job's progress; ``cchc demo
--dossiers-scale`` runs them in the foreground."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial

import anyio.to_thread

from demo.dossiers import load_catalogue, target_totals, write_dossier_file
from models.accounts.service import operator
from models.dossiers.import_jobs import create_job, fail_job, get_job, run_dossier_job, upload_path
from models.dossiers.ingest import Progress
from models.dossiers.tables import Dossier

log = logging.getLogger(__name__)
SEED_YEARS = (2020, 2023)  # the years of Quảng Ninh's dossier figures the demo reproduces


def demo_years(today: date) -> list[tuple[int, date | None]]:
    """(year, last day received) of each demo year: the seed years whole (they are history),
    the current year up to yesterday (none on 1 January)."""
    years: list[tuple[int, date | None]] = [(year, None) for year in SEED_YEARS if year <= today.year]
    if today.year not in SEED_YEARS and today > date(today.year, 1, 1):
        years.append((today.year, today - timedelta(days=1)))
    return years


async def years_to_load(today: date) -> list[tuple[int, date | None]]:
    """The demo years that have no dossier yet."""
    missing = []
    for year, until in demo_years(today):
        if not await Dossier.exists().where(
            (Dossier.received_on >= date(year, 1, 1)) & (Dossier.received_on <= date(year, 12, 31))
        ):
            missing.append((year, until))
    return missing


async def load_dossier_year(
    year: int, until: date | None, scale: float, on_progress: Progress | None = None
) -> dict:
    """Generate the year's demo file (in a thread: the server keeps answering) and import it
    as an import job; returns the finished job."""
    target_totals(scale)  # a bad scale, or no catalogue, fails before a job is made
    catalogue = await load_catalogue(year)
    job = await create_job(await operator(), f"ho-so-mau-{year}.csv", keep_valid=False)
    path = upload_path(job["id"], ".csv")
    # A whole year is a past one: what was open at its end is settled in the next weeks.
    write = partial(
        write_dossier_file, catalogue, path, year, scale, until=until, settle_next_year=until is None
    )
    try:
        await anyio.to_thread.run_sync(write)
    except Exception as exc:  # the job says why instead of waiting forever
        path.unlink(missing_ok=True)
        await fail_job(job["id"], f"the demo file could not be made: {type(exc).__name__}: {exc}")
        return await get_job(await operator(), job["id"])
    return await run_dossier_job(job["id"], path, on_progress)


async def load_missing_years(today: date, scale: float) -> list[dict]:
    """Every demo year without dossiers, one after the other."""
    jobs = []
    for year, until in await years_to_load(today):
        job = await load_dossier_year(year, until, scale)
        log.info("demo dossiers %s: job %s %s: %s", year, job["id"], job["state"], job["message"])
        jobs.append(job)
    return jobs
