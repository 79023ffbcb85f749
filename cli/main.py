"""The ``cchc`` command for operators.

Numbers follow the language they are printed in: English messages group thousands with a
comma (23,821 dossiers), Vietnamese tables with a dot (23.821 hồ sơ, core.text.format_int).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="CCHC Tracker: administrative-reform plan tracking.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
plans_app = typer.Typer(help="Reform plans.", no_args_is_help=True)
procedures_app = typer.Typer(help="The administrative-procedure catalogue.", no_args_is_help=True)
indices_app = typer.Typer(help="Index scores: PAR INDEX, SIPAS, PAPI, PCI.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(plans_app, name="plans")
app.add_typer(procedures_app, name="procedures")
dossiers_app = typer.Typer(help="Administrative-procedure dossiers (hồ sơ TTHC).", no_args_is_help=True)
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(indices_app, name="indices")
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(1)


def row_error(error: dict) -> str:
    """A rejected row of a file as printed: where, the value as it was written, and why."""
    where = f"row {error['row']:,}" if error.get("row") is not None else "file"
    value = f" {error['value']!r}" if error.get("value") else ""
    return f"  {where}: {error['field']}{value}: {error['reason']}"


def _run(coro):
    """Run a domain coroutine, printing domain errors instead of a traceback."""
    from core.db import close_engine, engine_from_url, start_pool
    from core.errors import DomainError
    from core.settings import get_settings
    from piccolo_app import use_engine

    async def run_and_close():
        engine = engine_from_url(get_settings().database_url)
        use_engine(engine)
        try:
            await start_pool(engine, max_size=4)
            return await coro
        finally:
            await close_engine(engine)

    try:
        return asyncio.run(run_and_close())
    except DomainError as exc:
        details = "\n".join(
            f"  {'row ' + str(e.row) + ': ' if e.row else ''}{e.field}: {e.reason}" for e in exc.errors
        )
        _fail(f"{exc.detail}\n{details}".rstrip())


@app.command()
def migrate() -> None:
    """Apply the database migrations (the only way the schema changes), then compute the
    dossier tallies a migration has just created from the dossiers already stored."""
    from models.dossiers.aggregates import migrations_run, rebuild_aggregates, tallies_to_fill

    before = _run(migrations_run())
    result = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"], check=False
    )
    if result.returncode:
        raise typer.Exit(result.returncode)
    if tallies_to_fill(_run(migrations_run()) - before):
        with console.status("Computing the dossier tallies from the stored dossiers ..."):
            filled = _run(rebuild_aggregates())
        if any(filled.values()):  # a new database has no dossiers to count
            console.print("Dossier tallies computed from the dossiers already stored.")


@app.command()
def serve(
    host: str = typer.Option(None),
    port: int = typer.Option(None),
    demo_dossiers_scale: float = typer.Option(
        0.0,
        help="once the server answers, import the demo dossier years that have none (2020, 2023 and "
        "this year up to yesterday) at this scale, as import jobs the pages show",
    ),
) -> None:
    """Serve the API and the web pages with uvicorn; the scheduler runs in the same process
    unless SCHEDULER_IN_API=false (then run `cchc scheduler` beside it)."""
    import uvicorn

    from core.settings import get_settings

    settings = get_settings()
    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        timeout_keep_alive=75,  # longer than clients and proxies keep idle connections
    )
    server = uvicorn.Server(config)
    if demo_dossiers_scale <= 0:
        server.run()
        return
    asyncio.run(_serve_then_load_demo_dossiers(server, demo_dossiers_scale))


async def _serve_then_load_demo_dossiers(server, scale: float) -> None:
    """The server first; the demo dossier years load beside it (on the app's own database
    engine) and stop with it: an unfinished import is failed at the next start and redone."""
    from core.clock import local_date, utcnow
    from demo.dossier_years import load_missing_years

    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.1)

    async def load() -> None:
        try:
            await load_missing_years(local_date(utcnow()), scale)
        except Exception as exc:  # the server keeps serving without the demo dossiers
            console.print(f"[red]Demo dossiers not loaded: {type(exc).__name__}: {exc}[/red]")

    loading = asyncio.create_task(load()) if server.started else None
    await serving
    if loading is not None and not loading.done():
        loading.cancel()


demo_app = typer.Typer()
app.add_typer(demo_app, name="demo")


@demo_app.callback(invoke_without_command=True)
def demo(
    ctx: typer.Context,
    dossiers_scale: float = typer.Option(
        0.0,
        help="also import the demo dossiers at this scale (1.0: 1,191,036 in 2020; 532,950 in the first half "
        "of 2023) for 2020, 2023 and this year up to yesterday, where a year has none",
    ),
) -> None:
    """Load the demo province (idempotent: a second run changes nothing); `demo dossiers`
    writes a year of demo dossiers."""
    if ctx.invoked_subcommand is not None:
        return
    from demo.loader import load_demo

    created = _run(load_demo())
    console.print(f"Demo data: {created}")
    if dossiers_scale > 0:
        _load_demo_dossiers(dossiers_scale)


def _load_demo_dossiers(scale: float) -> None:
    """Generate and import each demo year without dossiers (2020, 2023, and this year up to
    yesterday), in the foreground."""
    from core.clock import local_date, utcnow
    from demo.dossier_years import load_missing_years

    with console.status(f"Loading the demo dossiers (scale {scale:g}) ..."):
        jobs = _run(load_missing_years(local_date(utcnow()), scale))
    if not jobs:
        console.print("Demo dossiers: every demo year already has dossiers, nothing imported")
    for job in jobs:
        console.print(f"Demo dossiers: {job['filename']}: {job['state']}: {job['message']}")
    if any(job["state"] != "done" for job in jobs):
        raise typer.Exit(1)


@demo_app.command("dossiers")
def demo_dossiers(
    year: int = typer.Option(2020, help="the year the dossiers are received in"),
    scale: float = typer.Option(1.0, help="times Quảng Ninh's 2020 figures (1.0: 1,191,036 dossiers)"),
    output: Path = typer.Option(None, "--output", "-o", help="the CSV file (default: ho-so-YEAR.csv)"),
) -> None:
    """Write a year of demo dossiers as a CSV in the import format (needs `cchc demo` first)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from core.errors import DomainError
    from core.text import format_int
    from demo.dossiers import load_catalogue, target_totals, write_dossier_file

    async def catalogue():
        target_totals(scale)  # a bad scale fails before anything is read
        return await load_catalogue(year)

    demo_catalogue = _run(catalogue())
    path = output or Path(f"ho-so-{year}.csv")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task(f"Writing {path.name}", total=None)
            totals = write_dossier_file(
                demo_catalogue,
                path,
                year,
                scale,
                on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
            )
    except DomainError as exc:
        _fail(exc.detail)
    table = Table(title=f"Hồ sơ năm {year} (hệ số {scale:g})")
    table.add_column("Chỉ tiêu")
    table.add_column("Số hồ sơ", justify="right")
    for label, count in totals.rows():
        table.add_row(label, format_int(count))
    console.print(table)
    console.print(f"Wrote {totals.received:,} dossiers to {path}")


@users_app.command("create")
def users_create(
    username: str,
    role: str = typer.Option(..., help="admin, home_affairs, unit_head or viewer"),
    unit: str = typer.Option(None, help="unit code (required for unit_head)"),
    full_name: str = typer.Option(None, help="defaults to the username"),
) -> None:
    """Create an account; the password is read from standard input."""
    from models.accounts.service import AccountData, create_account_unchecked
    from models.units.service import unit_ids_by_code

    password = (
        sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty()
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )

    async def create():
        unit_id = None
        if unit:
            unit_id = (await unit_ids_by_code({unit})).get(unit)
            if unit_id is None:
                _fail(f"unknown unit code {unit!r}")
        return await create_account_unchecked(
            AccountData(username, full_name or username, role, unit_id, password)
        )

    account = _run(create())
    console.print(f"Created account {account['username']} ({account['role']}), id {account['id']}")


@plans_app.command("import")
def plans_import(file: Path, year: int = typer.Option(..., help="the plan's year")) -> None:
    """Import (or update) a plan's tasks from an XLSX or CSV file."""
    from models.accounts.service import operator
    from models.plans.files import import_plan_file
    from models.plans.plans import plan_for_year

    if not file.is_file():
        _fail(f"no such file: {file}")

    async def run():
        plan = await plan_for_year(year)
        return await import_plan_file(await operator(), plan["id"], file.name, file.read_bytes())

    with console.status(f"Importing {file.name}..."):
        result = _run(run())
    console.print(
        f"Imported into the {year} plan: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    )


@procedures_app.command("import")
def procedures_import(file: Path) -> None:
    """Create or update the procedure catalogue from an XLSX or CSV file."""
    from models.accounts.service import operator
    from models.procedures.service import import_procedures

    if not file.is_file():
        _fail(f"no such file: {file}")

    async def run():
        return await import_procedures(await operator(), file.name, file.read_bytes())

    with console.status(f"Importing {file.name}..."):
        result = _run(run())
    console.print(
        f"Procedures: {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged"
    )


@indices_app.command("import")
def indices_import(file: Path) -> None:
    """Create or replace yearly index scores (and their components) from an XLSX or CSV file."""
    from models.accounts.service import operator
    from models.indices.service import import_index_results

    if not file.is_file():
        _fail(f"no such file: {file}")

    async def run():
        return await import_index_results(await operator(), file.name, file.read_bytes())

    with console.status(f"Importing {file.name}..."):
        result = _run(run())
    console.print(
        f"Index results: {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged"
    )


@dossiers_app.command("rebuild-aggregates")
def dossiers_rebuild_aggregates() -> None:
    """Recompute the dossier tallies from the dossier rows, replace them, and report any
    difference found (there should be none: imports keep them in step)."""
    from models.dossiers.aggregates import rebuild_aggregates

    with console.status("Recomputing the dossier tallies ..."):
        differences = _run(rebuild_aggregates())
    for table, count in differences.items():
        console.print(f"{table}: {count:,} keys differed" if count else f"{table}: in step")
    if any(differences.values()):
        console.print("The tallies have been recomputed from the dossiers.")
        raise typer.Exit(2)


@dossiers_app.command("import")
def dossiers_import(
    file: Path,
    keep_valid: bool = typer.Option(False, help="write the valid rows even when some rows are rejected"),
) -> None:
    """Import (create or update by code) dossiers from a CSV, XLSX or JSON Lines file."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from models.accounts.service import operator
    from models.dossiers.import_jobs import create_job, run_dossier_job

    if not file.is_file():
        _fail(f"no such file: {file}")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"Importing {file.name}", total=1.0, rows=0)

        async def show(result, fraction: float) -> None:
            bar.update(task, completed=fraction, rows=result.rows_done)
            if fraction >= 1:  # read: the checks and the write follow
                bar.update(task, description=f"Writing {file.name} to the database")

        async def run():
            job = await create_job(await operator(), file.name, keep_valid)
            return await run_dossier_job(job["id"], file, show, remove_file=False)

        job = _run(run())
        bar.update(task, completed=1.0, rows=job["rows_done"])
    for error in job["errors"][:20]:
        console.print(row_error(error))
    if len(job["errors"]) > 20:
        console.print(
            f"  ... and {job['rows_rejected'] - 20} more rejected rows (see job {job['id']} in the API)"
        )
    console.print(f"Job {job['id']}: {job['state']}: {job['message']}")
    if job["state"] != "done":
        raise typer.Exit(1)


@app.command("backup")
def backup_command(file: Path) -> None:
    """Back up the database to FILE (SQLite online backup, or pg_dump for PostgreSQL)."""
    from core.backup import BackupError, backup
    from core.settings import get_settings

    try:
        backup(get_settings().database_url, file)
    except BackupError as exc:
        _fail(str(exc))
    console.print(f"Backup written to {file} ({file.stat().st_size:,} bytes)")


@app.command("restore")
def restore_command(
    file: Path, database_url: str = typer.Option(None, help="an empty database (default: DATABASE_URL)")
) -> None:
    """Restore a backup made by `cchc backup` into an empty database."""
    from core.backup import BackupError, restore
    from core.settings import get_settings

    try:
        restore(file, database_url or get_settings().database_url)
    except BackupError as exc:
        _fail(str(exc))
    console.print(f"Restored {file}")


@app.command()
def scheduler(
    catch_up_only: bool = typer.Option(
        False, help="run the firings missed while no scheduler ran, and unfinished reports, then exit"
    ),
) -> None:
    """Run the scheduler (reports on their cut-off dates, daily sweeps) until interrupted."""
    from reports.pdf import stop_conversions
    from reports.runs import execute_run, runs_to_resume
    from scheduler.jobs import catch_up, ensure_default_schedules, fail_dead_firings
    from scheduler.service import SchedulerService

    async def once():
        await ensure_default_schedules()
        await fail_dead_firings()
        resumed = [await execute_run(run_id) for run_id in await runs_to_resume()]
        return resumed, await catch_up()

    async def forever():
        service = SchedulerService()
        await service.start()
        console.print("Scheduler running (Ctrl+C to stop).")
        try:
            await asyncio.Event().wait()
        finally:
            await service.stop()
            stop_conversions()  # a report's PDF conversion, in a process group of its own

    if catch_up_only:
        resumed, fired = _run(once())
        console.print(
            f"Resumed {len(resumed)} report runs; ran {len(fired)} missed firings: {', '.join(fired)}"
        )
        return
    try:
        _run(forever())
    except KeyboardInterrupt:
        console.print("Scheduler stopped.")


if __name__ == "__main__":
    app()
