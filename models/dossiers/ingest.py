"""Bulk dossier import: a year's export from the one-stop system (a million rows and more).

The file is streamed: rows are parsed in batches (in a worker thread, so the API's event loop
stays responsive; a big file by child processes, which on SQLite also stage their rows in files
of their own) into a temporary staging table on one connection. Duplicate codes are found
there with SQL, so memory stays flat whatever the file's size. Only then, in one short
transaction, are the staged rows upserted into ``dossier`` by code (a row is rewritten only if
a value changed), and the job's final state is written in that same transaction: a crash at
any point leaves the database as it was before the import, and the job either says "done"
with the data in place or did not finish. The dossier tallies (models.dossiers.tallies) change
in that same transaction; for a big file on SQLite, two more connections work their changes out
beside the upsert (SQLiteFileStage).
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import itertools
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from queue import Empty
from zoneinfo import ZoneInfo

import anyio.to_thread
import msgspec
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from core.archives import WORKBOOK_MEMBER, ZIP_MAGIC, check_workbook, check_zip, not_a_workbook
from core.db import SQLITE_BUSY_TIMEOUT_S, PooledSQLiteEngine, write_lock_for
from core.errors import DomainError, FieldError, InvalidInput
from core.settings import get_settings
from core.tabular import MAX_COLUMNS, WORKBOOK_ERRORS, header_positions, unreadable_workbook
from core.text import nfc
from core.uploads import check_name, check_not_binary, extension, first_non_utf8
from models.dossiers import service_tally
from models.dossiers.records import (
    FILE_COLUMNS,
    FILE_REQUIRED,
    SERVICE_FLAGS,
    STORED_COLUMNS,
    References,
    RowParser,
    cells_from_record,
    load_references,
)
from models.dossiers.tables import Dossier
from models.dossiers.tallies import Changes, Dialect, change_statements
from models.permissions import Action, Principal

BATCH_ROWS = 5_000
PROCESS_THRESHOLD_BYTES = 4 * 1024 * 1024  # smaller files are parsed in a thread
MAX_READERS = 2  # child processes parsing a big file (each holds a few batches)
# SQLite's settings for each connection working a big import's tally changes out
# (SQLiteFileStage): 32 MiB of page cache, which also bounds a sort's memory (the upsert beside
# them keeps SQLite's 2 MB; with 64 MiB each, the process tree peaked at 348 MB, over the 300 MB
# promise; with 32 MiB the readers' 253 MB is the peak). No helper threads for the sorts: the
# three connections already keep both cores busy, and with one each the write took 0.6 s more.
CHANGES_PRAGMAS = ("cache_size = -32768",)  # KiB
PARENT_CHECK_SECONDS = 0.5
MAX_REPORTED_ERRORS = 1_000
DOSSIER_EXTENSIONS = (".csv", ".xlsx", ".jsonl", ".ndjson")
DOSSIER_MAX_EXPANDED = 8 * 1024**3  # an XLSX of a year's dossiers (1.2 million rows) is ~1.5 GB unzipped
# openpyxl holds a workbook's shared strings in memory (about 2.5 times their XML): this keeps
# the reader within its memory promise (README: < 300 MB for the import's processes).
DOSSIER_MAX_SHARED_STRINGS = 64 * 1024 * 1024
Cells = dict[str, str]
Rows = Iterator[tuple[int, Cells]]


@dataclass(frozen=True)
class Share:
    """A reader's part of a file read by several: the batches of ``batch_rows`` data rows
    numbered ``index`` modulo ``readers``."""

    index: int
    readers: int
    batch_rows: int

    def holds(self, ordinal: int) -> bool:
        """Whether the data row at ``ordinal`` (from 0) is this reader's."""
        return (ordinal // self.batch_rows) % self.readers == self.index


def _shared(data_rows: Iterator, share: Share | None) -> Iterator:
    """The data rows that are ``share``'s (all of them without one)."""
    if share is None:
        return data_rows
    return (row for ordinal, row in enumerate(data_rows) if share.holds(ordinal))


@dataclass
class ImportResult:
    rows_done: int = 0
    rows_rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)
    written: bool = False

    def reject(self, errors: list[FieldError]) -> None:
        room = MAX_REPORTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])


Progress = Callable[[ImportResult, float], Awaitable[None]]  # result so far, fraction of the file
# The fraction a batch may report: 1.0 means the whole file is read, which only the end of the
# reading says (a reader's position reaches the end of the file while batches still wait).
READING = 0.9999


# --- reading files as rows ----------------------------------------------------------------------


class RowFile:
    """A dossier file opened for streaming: CSV (UTF-8), XLSX or JSON Lines, by its content
    and name. ``fraction`` tells how far reading has got, for progress bars."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        """``name``: the file's name as the user gave it (``path`` may be a staging file); its
        extension and the first bytes decide the type, checked at once (core.uploads,
        core.archives: a zip bomb is refused before anything is expanded)."""
        self.path = path
        self.size = max(path.stat().st_size, 1)
        self._binary = path.open("rb")
        self._xlsx_rows = 0
        self._xlsx_position = 0
        try:
            self.kind = self._kind(name or path.name)
        except BaseException:
            self._binary.close()
            raise

    def _kind(self, name: str) -> str:
        check_name(name, DOSSIER_EXTENSIONS)
        suffix = extension(name)
        head = self._binary.read(262)
        self._binary.seek(0)
        if head[:4] == ZIP_MAGIC:
            check_zip(self._binary, DOSSIER_MAX_EXPANDED, require=WORKBOOK_MEMBER)
            check_workbook(self._binary, DOSSIER_MAX_SHARED_STRINGS)
            return "xlsx"
        check_not_binary(head)
        if suffix in {".jsonl", ".ndjson"}:
            return "jsonl"
        if suffix == ".xlsx":
            raise not_a_workbook()
        return "csv"

    def close(self) -> None:
        self._binary.close()

    def __enter__(self) -> RowFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def fraction(self) -> float:
        if self.kind == "xlsx":
            return self._xlsx_position / max(self._xlsx_rows, 1)
        return min(self._binary.tell() / self.size, 1.0)

    @property
    def shareable(self) -> bool:
        """Whether several readers can each read the whole file and parse their share: a
        workbook's XML is the slow part of reading it, so it is read once."""
        return self.kind != "xlsx"

    def rows(self, share: Share | None = None) -> Rows:
        """The data rows, or only ``share`` of them (see ``Share``)."""
        reader = {"csv": self._csv_rows, "jsonl": self._jsonl_rows, "xlsx": self._xlsx_rows_iter}[self.kind]
        return reader(share)

    def _csv_rows(self, share: Share | None) -> Rows:
        try:
            yield from _keyed(self._csv_records(), share)
        except UnicodeDecodeError:
            raise first_non_utf8(self.path) from None

    def _csv_records(self) -> Iterator[tuple[int, bytes | list[str]]]:
        """(line number, record) of each CSV record. While the lines hold no quote and no
        carriage return but their end, each line is a record and comes as its bytes (see
        ``_cells``): a reader then decodes and splits only its share of them, where the csv
        module would parse every line (half of a reader's reading, measured). From the first
        other line on, the csv module reads the rest."""
        for number, line in enumerate(self._binary, start=1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            record = line.rstrip(b"\r\n")
            if b'"' in record or b"\r" in record or len(line) - len(record) > 2:
                yield from _csv_module_records(line, self._binary, first_number=number)
                return
            yield number, record

    def _jsonl_rows(self, share: Share | None) -> Rows:
        decoder = msgspec.json.Decoder(dict)
        lines = ((number, line) for number, line in enumerate(self._binary, start=1) if line.strip())
        for number, line in _shared(lines, share):
            try:
                yield number, cells_from_record(decoder.decode(line))
            except msgspec.DecodeError:
                yield number, {"": "not a JSON object"}

    def _xlsx_rows_iter(self, share: Share | None) -> Rows:
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(self._binary, read_only=True, data_only=True).worksheets[0]
        except WORKBOOK_ERRORS as exc:
            raise unreadable_workbook(exc) from None
        self._xlsx_rows = sheet.max_row or 0

        def numbered():
            try:
                for number, values in enumerate(
                    sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
                ):
                    self._xlsx_position = number
                    yield number, [_xlsx_text(value) for value in values]
            except WORKBOOK_ERRORS as exc:
                raise unreadable_workbook(exc) from None

        yield from _keyed(numbered(), share)


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_module_records(line: bytes, rest, first_number: int) -> Iterator[tuple[int, list[str]]]:
    """The records of ``line`` (bytes) and of the binary file ``rest`` after it, by the csv
    module; ``line`` is line ``first_number`` of the file."""
    text = io.TextIOWrapper(rest, encoding="utf-8", newline="")
    reader = csv.reader(itertools.chain(io.StringIO(line.decode(), newline=""), text))
    try:
        for values in reader:
            yield first_number - 1 + reader.line_num, values
    finally:
        if not text.closed:  # RowFile closes the file, not this wrapper
            text.detach()


def _cells(record: bytes | list[str]) -> list[str]:
    """A record's cells: a quote-free CSV line (bytes, see ``RowFile._csv_records``) split at
    its commas, or the cells as they came."""
    return record.decode().split(",") if isinstance(record, bytes) else record


def _blank_record(record: bytes | list[str]) -> bool:
    """Whether no cell of the record holds more than white space."""
    if isinstance(record, bytes) and record[:1].isalnum():  # the usual line: no need to decode
        return False
    values = _cells(record)
    return not ((values and values[0].strip()) or any(cell.strip() for cell in values))


def _keyed(numbered_records, share: Share | None = None) -> Rows:
    """Rows of cells by column key, after the header (the first non-blank record)."""
    records = ((number, record) for number, record in numbered_records if not _blank_record(record))
    if (header := next(records, None)) is None:
        raise InvalidInput.field("file", "the file has no header row", "Tệp không có dòng tiêu đề.")
    names = [nfc(cell) for cell in _cells(header[1])]
    positions = list(header_positions(names, FILE_COLUMNS, set(FILE_REQUIRED), header[0]).items())
    for number, record in _shared(records, share):
        values = _cells(record)
        width = len(values)
        yield number, {key: values[index] if index < width else "" for key, index in positions}


# --- staging and writing ------------------------------------------------------------------------

STAGE_COLUMNS = ("row", *STORED_COLUMNS)
_SQL_TYPES = {
    "row": "INTEGER",
    "code": "VARCHAR(64)",
    "procedure": "INTEGER",
    "unit": "INTEGER",
    "channel": "VARCHAR(8)",
    "received_at": "TIMESTAMPTZ",
    "due_at": "TIMESTAMPTZ",
    "resolved_at": "TIMESTAMPTZ",
    "outcome": "VARCHAR(12)",
    "cashless": "BOOLEAN",
    "apology_issued_on": "DATE",
    "apology_new_due": "DATE",
    "received_on": "DATE",
    "due_on": "DATE",
    "closed_on": "DATE",
    "timeliness": "VARCHAR(8)",
    **dict.fromkeys(SERVICE_FLAGS, "BOOLEAN"),
    "supplement_requests": "INTEGER",
    "supplement_requested_at": "TIMESTAMPTZ",
    "supplement_returned_at": "TIMESTAMPTZ",
    "service_due_on": "DATE",
    "service_on_time": "BOOLEAN",
    "handling_minutes": "INTEGER",
}
_STAGE_DDL = ", ".join(f'"{name}" {_SQL_TYPES[name]}' for name in STAGE_COLUMNS)
_QUOTED = ", ".join(f'"{name}"' for name in STORED_COLUMNS)
# The stage's rows, on SQLite: the writer's TEMP table, or a reader's own file (see _FileStage).
_STAGE_INSERT = f"INSERT INTO dossier_stage VALUES ({', '.join('?' for _ in STAGE_COLUMNS)})"
_DUPLICATES = (
    "SELECT code, row FROM dossier_stage WHERE code IN "
    "(SELECT code FROM dossier_stage GROUP BY code HAVING COUNT(*) > 1) ORDER BY code, row"
)
_NEW_CODES = "SELECT COUNT(*) AS n FROM dossier_stage s WHERE NOT EXISTS (SELECT 1 FROM dossier d WHERE d.code = s.code)"


def _tally_changes(dialect: Dialect) -> Changes:
    """The tallies follow every upsert, in its transaction."""
    return change_statements(dialect, "dossier_stage") + service_tally.change_statements(
        dialect, "dossier_stage"
    )


TALLY_CHANGES = {postgres: _tally_changes(Dialect(postgres)).in_order for postgres in (False, True)}
# A big SQLite import's, by the scratch file they are worked out in: the day tallies' and the
# service tallies' on connections of their own, beside the upsert (SQLiteFileStage).
SHARED_CHANGES = {
    scratch: changes(Dialect(postgres=False, scratch=scratch), "dossier_stage")
    for scratch, changes in (
        ("day_changes", change_statements),
        ("service_changes", service_tally.change_statements),
    )
}
# A scratch file holds nothing to recover: no journal, no sync.
SCRATCH_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF")


def _upsert_sql(distinct: str) -> str:
    """Insert new codes; rewrite an existing one only when a value changed (so a re-import of
    the same file writes nothing and the changed-row count is the count of updates)."""
    updated = [name for name in STORED_COLUMNS if name != "code"]
    assignments = ", ".join(f'"{name}" = excluded."{name}"' for name in updated)
    changed = " OR ".join(f'dossier."{name}" {distinct} excluded."{name}"' for name in updated)
    return (
        f"INSERT INTO dossier ({_QUOTED}) SELECT {_QUOTED} FROM dossier_stage WHERE true "
        f"ON CONFLICT (code) DO UPDATE SET {assignments} WHERE {changed}"
    )


class SQLiteStage:
    """Staging in a TEMP table on one pooled connection (temp tables take no lock on the main
    database, so other writers go on while the file is read); the final upsert takes the
    write lock (BEGIN IMMEDIATE) for as long as it runs."""

    upsert = _upsert_sql("IS NOT")

    def __init__(self, engine: SQLiteEngine) -> None:
        self.engine = engine

    async def __aenter__(self) -> SQLiteStage:
        self.connection = await self.engine.get_connection()
        try:
            await self._create()
        except BaseException:
            await self._release()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        try:
            await self._drop()
        finally:
            await self._release()

    async def _create(self) -> None:
        await self.connection.execute("DROP TABLE IF EXISTS temp.dossier_stage")
        await self.connection.execute(f"CREATE TEMP TABLE dossier_stage ({_STAGE_DDL})")

    async def _drop(self) -> None:
        await self.connection.execute("DROP TABLE IF EXISTS temp.dossier_stage")

    async def _release(self) -> None:
        if isinstance(self.engine, PooledSQLiteEngine):
            await self.engine.release(self.connection)
        else:
            await self.connection.close()

    async def add(self, rows: list[tuple]) -> None:
        await self.connection.executemany(_STAGE_INSERT, rows)

    async def fetch(self, sql: str, *args) -> list[dict]:
        async with self.connection.execute(sql, args) as cursor:
            return list(await cursor.fetchall())

    async def delete_rows(self, numbers: list[int]) -> None:
        await self.connection.executemany("DELETE FROM dossier_stage WHERE row = ?", [(n,) for n in numbers])

    async def write(self, finish: Callable[[int, int], tuple[str, list] | None]) -> tuple[int, int]:
        async with write_lock_for(self.engine):
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                created = (await self.fetch(_NEW_CODES))[0]["n"]
                changed = await self._upsert()
                if statement := finish(created, changed):
                    sql, args = statement
                    await self.connection.execute(sql.replace("{}", "?"), args)
                await self.connection.execute("COMMIT")
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
        return created, changed

    async def _upsert(self) -> int:
        """The tallies' changes, then the upsert: how many rows it wrote."""
        for statement in TALLY_CHANGES[False]:
            await self.connection.execute(statement)
        async with self.connection.execute(self.upsert) as cursor:
            return cursor.rowcount


class SQLiteFileStage(SQLiteStage):
    """A big file's stage on SQLite: a scratch file that the readers' files are copied into,
    attached to the pooled connection as ``stage``. Being a file, other connections can read
    it: the tallies' changes are worked out there while the upsert runs (each takes a core)."""

    def __init__(self, engine: SQLiteEngine, scratch: Path) -> None:
        super().__init__(engine)
        self.scratch = scratch
        self.stage_file = scratch / "stage.sqlite"
        self.attached: list[str] = []

    async def _create(self) -> None:
        await self.connection.execute("ATTACH DATABASE ? AS stage", (str(self.stage_file),))
        for pragma in SCRATCH_PRAGMAS:
            await self.connection.execute(f"PRAGMA stage.{pragma}")
        await self.connection.execute(f"CREATE TABLE stage.dossier_stage ({_STAGE_DDL})")

    async def _drop(self) -> None:
        # After the commit or rollback: a database is not detached in a transaction.
        for schema in (*self.attached, "stage"):
            await self.connection.execute(f"DETACH DATABASE {schema}")

    async def add_files(self, paths: list[Path]) -> None:
        """Rows the readers staged in files of their own (see ``ProcessBatches``)."""
        for path in paths:
            await self.connection.execute("ATTACH DATABASE ? AS reader_stage", (str(path),))
            try:
                await self.connection.execute(
                    "INSERT INTO stage.dossier_stage SELECT * FROM reader_stage.dossier_stage"
                )
            finally:
                await self.connection.execute("DETACH DATABASE reader_stage")

    async def _upsert(self) -> int:
        """The upsert, while other connections work the tallies' changes out; each is added
        once it is ready and the upsert is done (the first ready is added while the other is
        still at work). Those connections read the rows as they were before the upsert: this
        one holds the write lock (nobody else commits meanwhile) and its own writes are not
        seen by others until it commits (WAL)."""
        computing = [
            asyncio.ensure_future(anyio.to_thread.run_sync(self._compute_changes, scratch))
            for scratch in SHARED_CHANGES
        ]
        try:
            async with self.connection.execute(self.upsert) as cursor:
                changed = cursor.rowcount
            for computed in asyncio.as_completed(computing):
                await self._apply_changes(await computed)
        finally:  # a thread cannot be stopped: its files stay until it is done, whatever happens
            await asyncio.wait(computing)
        return changed

    async def _apply_changes(self, scratch: str) -> None:
        await self.connection.execute(f"ATTACH DATABASE ? AS {scratch}", (str(self._file(scratch)),))
        self.attached.append(scratch)
        for statement in SHARED_CHANGES[scratch].apply:
            await self.connection.execute(statement)

    def _file(self, scratch: str) -> Path:
        return self.scratch / f"{scratch}.sqlite"

    def _compute_changes(self, scratch: str) -> str:
        """In a thread, on a connection of its own: the ``compute`` statements of
        ``SHARED_CHANGES[scratch]`` into that scratch file, in one read transaction of the
        database (one snapshot). Returns ``scratch``."""
        connection = sqlite3.connect(self.engine.path, isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            connection.execute("ATTACH DATABASE ? AS stage", (str(self.stage_file),))
            connection.execute(f"ATTACH DATABASE ? AS {scratch}", (str(self._file(scratch)),))
            for pragma in SCRATCH_PRAGMAS:
                connection.execute(f"PRAGMA {scratch}.{pragma}")
            for pragma in CHANGES_PRAGMAS:
                connection.execute(f"PRAGMA {pragma}")
            connection.execute("BEGIN")
            for statement in SHARED_CHANGES[scratch].compute:
                connection.execute(statement)
            connection.execute("COMMIT")
        finally:
            connection.close()
        return scratch


class PostgresStage:
    """Staging by COPY into a TEMP table, all in one transaction: nothing is visible to others
    until the upsert commits, and a dropped connection rolls everything back."""

    upsert = _upsert_sql("IS DISTINCT FROM")

    def __init__(self, engine: PostgresEngine) -> None:
        self.engine = engine

    async def __aenter__(self) -> PostgresStage:
        # A connection of its own, outside Piccolo's transaction context: the job's progress
        # updates, made meanwhile through the ORM, must commit (and be seen) on their own.
        pool = self.engine.pool
        self.connection = await (pool.acquire() if pool else self.engine.get_new_connection())
        self._transaction = self.connection.transaction()
        await self._transaction.start()
        await self.connection.execute(f"CREATE TEMP TABLE dossier_stage ({_STAGE_DDL}) ON COMMIT DROP")
        return self

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is None:
                await self._transaction.commit()
            else:
                await self._transaction.rollback()
        finally:
            if self.engine.pool:
                await self.engine.pool.release(self.connection)
            else:
                await self.connection.close()

    async def add(self, rows: list[tuple]) -> None:
        await self.connection.copy_records_to_table("dossier_stage", records=rows, columns=STAGE_COLUMNS)

    async def fetch(self, sql: str, *args) -> list[dict]:
        return [dict(row) for row in await self.connection.fetch(sql, *args)]

    async def delete_rows(self, numbers: list[int]) -> None:
        await self.connection.execute("DELETE FROM dossier_stage WHERE row = ANY($1::int[])", numbers)

    async def write(self, finish: Callable[[int, int], tuple[str, list] | None]) -> tuple[int, int]:
        created = (await self.fetch(_NEW_CODES))[0]["n"]
        for statement in TALLY_CHANGES[True]:
            await self.connection.execute(statement)
        status = await self.connection.execute(self.upsert)
        changed = int(status.rsplit(" ", 1)[1])
        if statement := finish(created, changed):
            sql, args = statement
            await self.connection.execute(_numbered(sql, iter(range(1, len(args) + 1))), *args)
        return created, changed


def _numbered(sql: str, numbers) -> str:
    while "{}" in sql:
        sql = sql.replace("{}", f"${next(numbers)}", 1)
    return sql


def open_stage(scratch: Path | None = None):
    """The stage of an import: on SQLite in a file when ``scratch`` (a big file's directory)."""
    engine = Dossier._meta.db
    if isinstance(engine, PostgresEngine):
        return PostgresStage(engine)
    return SQLiteFileStage(engine, scratch) if scratch else SQLiteStage(engine)


@dataclass
class Batch:
    staged: list[tuple]  # (row number, *stored values) of the valid rows
    errors: list[FieldError]
    read: int
    rejected: int
    fraction: float = 0.0  # how far through the file


def _parse_batch(rows: Rows, parser: RowParser, size: int) -> Batch:
    """The next ``size`` rows, validated."""
    batch = Batch([], [], 0, 0)
    for number, cells in rows:
        batch.read += 1
        row, row_errors = parser.parse(number, cells)
        if row_errors:
            batch.rejected += 1
            if len(batch.errors) < MAX_REPORTED_ERRORS:
                batch.errors.extend(row_errors)
        else:
            batch.staged.append((number, *row))
        if batch.read == size:
            break
    return batch


class ThreadBatches:
    """Rows parsed batch by batch in a worker thread, so the event loop stays free."""

    staged_files: tuple[Path, ...] = ()  # the rows come back in the batches
    scratch = None

    def __init__(self, rows: Rows, parser: RowParser, source: RowFile | None = None) -> None:
        self.rows, self.parser, self.source = rows, parser, source

    async def next(self) -> Batch | None:
        batch = await anyio.to_thread.run_sync(_parse_batch, self.rows, self.parser, BATCH_ROWS)
        if self.source:
            batch.fraction = self.source.fraction
        return batch if batch.read else None

    def close(self) -> None:
        if self.source:
            self.source.close()


def _exit_with(parent: int) -> None:
    """In the child process: exit as soon as ``parent`` (the pid the parent gave) is no longer
    its parent. Neither waiting to put a batch nor the queue's feeder thread (blocked on a pipe
    no one reads, which a normal exit joins) may keep it alive: a reader outlived a kill -9 of
    the API by 13 minutes and more. The parent's pid comes from the parent: a child that asked
    for it itself, after a parent killed while the child was starting, got init's pid and
    watched init forever."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _produce(
    path: str,
    references: References,
    as_text: bool,
    zone: str,
    share: Share,
    stage: str | None,
    queue,
    parent: int,
) -> None:
    """In a child process of ``parent``: read the file and parse its ``share`` of the rows, a
    few batches ahead of the writer; with a ``stage`` file, the valid rows go there instead of
    the queue."""
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    try:
        parser = RowParser(references, ZoneInfo(zone), as_text=as_text)
        with RowFile(Path(path)) as source, _FileStage(stage) as staging:
            rows = source.rows(share if share.readers > 1 else None)
            while (batch := _parse_batch(rows, parser, share.batch_rows)).read:
                batch.fraction = source.fraction
                staging.take(batch)
                queue.put(batch)
        queue.put(None)
    except DomainError as exc:
        queue.put((type(exc), exc.detail, exc.errors))
    except Exception as exc:  # reported to the job as an internal error
        queue.put((RuntimeError, f"{type(exc).__name__}: {exc}", []))


class _FileStage:
    """A reader's own staging file (SQLite, a scratch file: SCRATCH_PRAGMAS), which
    the writer copies into its stage at the end: inserting the rows costs about as much as
    parsing them, and the readers do it side by side instead of the writer after them."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def __enter__(self) -> _FileStage:
        if self.path:
            _adapt_at_once()
            self.connection = sqlite3.connect(self.path, isolation_level=None)
            for pragma in SCRATCH_PRAGMAS:
                self.connection.execute(f"PRAGMA {pragma}")
            self.connection.execute(f"CREATE TABLE dossier_stage ({_STAGE_DDL})")
            self.connection.execute("BEGIN")
        return self

    def take(self, batch: Batch) -> None:
        """Stage the batch's valid rows here (the batch goes on without them)."""
        if self.path and batch.staged:
            self.connection.executemany(_STAGE_INSERT, batch.staged)
            batch.staged = []

    def __exit__(self, exc_type, *exc) -> None:
        if self.path:
            if exc_type is None:
                self.connection.execute("COMMIT")
            self.connection.close()


def _adapt_at_once() -> None:
    """In a reader's process, for its staging: sqlite3 binds a str, int or float as it is but
    looks anything else (None, True) up among the registered adapters and, finding none, asks
    the object to adapt itself; for the five None and six booleans of a row that took a third
    of the time staging it. Adapters registered for them are found at once, and store the
    same: NULL, and 1 or 0."""
    sqlite3.register_adapter(bool, int)
    sqlite3.register_adapter(type(None), _null)


def _null(value: None) -> None:
    return None


class _Reader:
    """A child process reading the file and parsing its share of the rows into a queue of a
    few batches (memory stays flat). A dead child is an error, never a hang."""

    AHEAD = 4  # batches waiting, over all the readers

    def __init__(
        self, context, path: Path, references: References, as_text: bool, share: Share, stage: Path | None
    ) -> None:
        self.queue = context.Queue(maxsize=max(self.AHEAD // share.readers, 1))
        zone = get_settings().time_zone
        stage_path = str(stage) if stage else None
        self.process = context.Process(
            target=_produce,
            args=(str(path), references, as_text, zone, share, stage_path, self.queue, os.getpid()),
            daemon=True,
        )
        self.process.start()

    def get(self):
        while True:
            try:
                return self.queue.get(timeout=1)
            except Empty:
                if not self.process.is_alive():
                    raise RuntimeError("the file reader stopped unexpectedly") from None

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.queue.close()


SCRATCH_PREFIX = "cchc-import-"


def _remove_stale_scratch() -> None:
    """Remove the staging directories of imports whose process is gone (killed, so they could
    not clean up); each is named after its process."""
    for stale in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = stale.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class ProcessBatches:
    """A big file parsed by child processes, beside the database writes: parsing is most of
    an import's work, so on a machine of two cores and more two readers each parse every
    other batch (each reads the whole file, which costs little beside parsing), and the
    batches are taken from them by turns, in the file's order. With ``stage_in_files`` (SQLite)
    each reader also stages its valid rows in a file of its own (``staged_files``)."""

    def __init__(
        self,
        path: Path,
        references: References,
        as_text: bool,
        readers: int = 1,
        stage_in_files: bool = False,
    ) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        _remove_stale_scratch()
        self.scratch = (
            Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")) if stage_in_files else None
        )
        stages = [
            self.scratch / f"reader-{index}.sqlite" if self.scratch else None for index in range(readers)
        ]
        self.staged_files = [stage for stage in stages if stage]
        self.readers = [
            _Reader(context, path, references, as_text, Share(index, readers, BATCH_ROWS), stage)
            for index, stage in enumerate(stages)
        ]
        self.turn = 0

    async def next(self) -> Batch | None:
        """The next batch in the file's order; None once every reader has finished (so each
        has committed its staging file: the one with the last batch may still be writing
        when the next in turn says it has nothing more)."""
        reader = self.readers[self.turn]
        self.turn = (self.turn + 1) % len(self.readers)
        if (item := await self._take(reader)) is None:
            for other in self.readers:
                if other is not reader and await self._take(other) is not None:
                    raise RuntimeError("a file reader gave rows after the end of the file")
        return item

    @staticmethod
    async def _take(reader: _Reader) -> Batch | None:
        item = await anyio.to_thread.run_sync(reader.get)
        if isinstance(item, tuple):
            error_type, detail, errors = item
            raise error_type(detail, errors) if issubclass(error_type, DomainError) else error_type(detail)
        return item

    def close(self) -> None:
        for reader in self.readers:
            reader.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


async def import_rows(rows: Rows, **options) -> ImportResult:
    """Import rows given in memory (the API's push): see ``_import``."""
    references = await load_references()
    return await _import(ThreadBatches(rows, RowParser(references, as_text=_on_sqlite())), **options)


async def import_file(path: Path, **options) -> ImportResult:
    """Import a CSV, XLSX or JSON Lines file; big ones are parsed in a child process."""
    references = await load_references()
    source = RowFile(path)  # fails at once on an unreadable or mislabelled file
    if path.stat().st_size < PROCESS_THRESHOLD_BYTES:
        batches = ThreadBatches(source.rows(), RowParser(references, as_text=_on_sqlite()), source)
    else:
        source.close()
        readers = min(os.cpu_count() or 1, MAX_READERS) if source.shareable else 1
        on_sqlite = _on_sqlite()
        batches = ProcessBatches(path, references, on_sqlite, readers, stage_in_files=on_sqlite)
    return await _import(batches, **options)


def _on_sqlite() -> bool:
    """SQLite takes rows as text (RowParser ``as_text``), and a big file's readers stage them."""
    return not isinstance(Dossier._meta.db, PostgresEngine)


async def _import(
    batches,
    *,
    keep_valid: bool = False,
    progress: Progress | None = None,
    finish: Callable[[ImportResult], tuple[str, list]] | None = None,
) -> ImportResult:
    """Validate every row, then write all of them, or (with ``keep_valid``) the valid ones,
    or nothing. ``finish`` gives an SQL statement (``{}`` placeholders) to run in the writing
    transaction, so that a job's final state commits with its data."""
    result = ImportResult()
    try:
        async with open_stage(batches.scratch) as stage:
            while batch := await batches.next():
                result.rows_done += batch.read
                result.rows_rejected += batch.rejected
                result.reject(batch.errors)
                if batch.staged:
                    await stage.add(batch.staged)
                if progress:
                    await progress(result, min(batch.fraction, READING))
            if progress:  # the file is read; what is left is checking and writing
                await progress(result, 1.0)
            if batches.staged_files:
                await stage.add_files(batches.staged_files)
            await _reject_duplicates(stage, result, keep_valid)
            if result.rows_rejected and not keep_valid:
                return result
            if result.rows_done == result.rows_rejected:
                return result

            def finishing(created: int, changed: int) -> tuple[str, list] | None:
                result.created, result.updated = created, changed - created
                result.unchanged = result.rows_done - result.rows_rejected - changed
                result.written = True
                return finish(result) if finish else None

            await stage.write(finishing)
    finally:
        batches.close()
    return result


async def _reject_duplicates(stage, result: ImportResult, keep_valid: bool) -> None:
    """A code used on more than one row: every row after the first is rejected."""
    first_row: dict[str, int] = {}
    later: list[int] = []
    errors: list[FieldError] = []
    for row in await stage.fetch(_DUPLICATES):
        if row["code"] not in first_row:
            first_row[row["code"]] = row["row"]
            continue
        later.append(row["row"])
        errors.append(
            FieldError(
                "code",
                f"duplicate of row {first_row[row['code']]}",
                f"Mã hồ sơ trùng với dòng {first_row[row['code']]}.",
                row=row["row"],
            )
        )
    result.rows_rejected += len(later)
    result.reject(errors)
    if later and keep_valid:
        await stage.delete_rows(later)


MAX_INGEST_RECORDS = 1_000


async def ingest_records(actor: Principal, records: list[dict]) -> ImportResult:
    """The one-stop system's push: a batch of records (numbered from 1 in errors), all
    written or none."""
    actor.require(Action.INGEST_DOSSIERS)
    if not 1 <= len(records) <= MAX_INGEST_RECORDS:
        raise InvalidInput.field(
            "records",
            f"1 to {MAX_INGEST_RECORDS} records per call",
            f"Mỗi lần gửi 1–{MAX_INGEST_RECORDS} hồ sơ.",
        )
    numbered = ((number, cells_from_record(record)) for number, record in enumerate(records, start=1))
    result = await import_rows(numbered)
    if result.rows_rejected:
        raise InvalidInput(
            f"{result.rows_rejected} of {result.rows_done} records rejected; nothing was written",
            result.errors,
        )
    return result
