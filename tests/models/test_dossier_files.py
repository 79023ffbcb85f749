"""A big dossier file's readers. Reading a CSV: the quick line-by-line reading of quote-free
lines gives exactly the records, row numbers and errors the csv module gives, for the whole
file and for each reader's share, whatever mix of quotes, line ends, blank lines and
byte-order mark the file has. Their processes: what a reader stages, and that a reader never
outlives its parent."""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput, UnsupportedMediaType
from models.dossiers.ingest import (
    BATCH_ROWS,
    PARENT_CHECK_SECONDS,
    STAGE_COLUMNS,
    Batch,
    RowFile,
    Share,
    _FileStage,
    _keyed,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HEADER = "code,procedure,unit,channel,received_at,due_at,outcome"


def by_csv_module(data: bytes, share: Share | None) -> list:
    """The reference: every line through the csv module, as the import read files before."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return list(_keyed(((reader.line_num, values) for values in reader), share))


def read(tmp_path, data: bytes, share: Share | None = None) -> list:
    path = tmp_path / "dossiers.csv"
    path.write_bytes(data)
    with RowFile(path) as source:
        return list(source.rows(share))


def outcome(function, *args):
    """What reading gives: the rows, or the error's type and detail."""
    try:
        return function(*args)
    except (InvalidInput, UnsupportedMediaType) as exc:
        return type(exc), exc.detail


SHARES = [None, Share(0, 2, 1), Share(1, 2, 1), Share(0, 2, 2), Share(1, 2, 2), Share(2, 3, 1)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("A,1\nB,2\n", [(2, "A", "1"), (3, "B", "2")], id="plain"),
        pytest.param("A,1\r\nB,2\r\n", [(2, "A", "1"), (3, "B", "2")], id="crlf"),
        pytest.param("A,1\nB,2", [(2, "A", "1"), (3, "B", "2")], id="no-final-newline"),
        pytest.param("A,1\n\n , \nB,2\n", [(2, "A", "1"), (5, "B", "2")], id="blank-lines-keep-numbers"),
        pytest.param("A,1\n\xa0,\u3000\nB,2\n", [(2, "A", "1"), (4, "B", "2")], id="unicode-space-is-blank"),
        pytest.param(" A ,x\n", [(2, " A ", "x")], id="cells-kept-as-written"),
        pytest.param(
            'A,1\n"B\nC",2\nD,3\n',
            [(2, "A", "1"), (4, "B\nC", "2"), (5, "D", "3")],
            id="quoted-newline-later",
        ),
        pytest.param('"A,a",1\nB,2\n', [(2, "A,a", "1"), (3, "B", "2")], id="quoted-comma-first"),
        pytest.param('A,1\nB"b,2\n', [(2, "A", "1"), (3, 'B"b', "2")], id="quote-inside-a-cell"),
        pytest.param("A,1\rB,2\n", [(2, "A", "1"), (3, "B", "2")], id="lone-carriage-return"),
        pytest.param("A,1\r\r\nB,2\n", [(2, "A", "1"), (4, "B", "2")], id="two-carriage-returns"),
        pytest.param("A\n", [(2, "A", "")], id="short-row"),
    ],
)
def test_records_are_read_as_the_csv_module_reads_them(tmp_path, body, expected):
    data = f"{HEADER}\n{body}".encode()
    rows = read(tmp_path, data)
    assert [(number, cells["code"], cells["procedure"]) for number, cells in rows] == expected
    assert rows == by_csv_module(data, None)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f"\ufeff{HEADER}\nA,1\n".encode(), id="bom"),
        pytest.param(f'\ufeff"code",{HEADER[5:]}\nA,1\n'.encode(), id="bom-then-quoted-header"),
        pytest.param(f"\n\n{HEADER}\nA,1\n".encode(), id="header-after-blank-lines"),
    ],
)
def test_the_header_is_the_first_non_blank_record_without_its_byte_order_mark(tmp_path, data):
    rows = read(tmp_path, data)
    assert [(cells["code"], cells["procedure"]) for _, cells in rows] == [("A", "1")]
    assert rows == by_csv_module(data, None)


@pytest.mark.parametrize("data", [b"", b"\n , \n", b"A,1\n"], ids=["empty", "blank", "no-required-columns"])
def test_a_file_without_a_usable_header_fails_as_before(tmp_path, data):
    with pytest.raises(InvalidInput) as raised:
        read(tmp_path, data)
    assert outcome(by_csv_module, data, None) == (type(raised.value), raised.value.detail)


def test_an_undecodable_line_fails_the_reader_whose_share_it_is(tmp_path):
    """Each line is decoded by the reader it belongs to, so one of them always fails."""
    data = f"{HEADER}\nA,1\n".encode() + b"B\xf5,2\n"  # the second data row: reader 1's of two
    for share in (None, Share(1, 2, 1)):
        with pytest.raises(UnsupportedMediaType, match="line 3: byte 0xf5"):
            read(tmp_path, data, share)
    assert [number for number, _ in read(tmp_path, data, Share(0, 2, 1))] == [2]


CELL = st.text(alphabet='ab1 ,"\r\n\xa0é', max_size=5)


@st.composite
def csv_files(draw) -> bytes:
    """A file of random cells written by the csv module, with raw lines (blank, carriage
    returns) put between records and maybe a byte-order mark."""
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator)
    out.write(HEADER + terminator)
    for cells in draw(st.lists(st.lists(CELL, min_size=1, max_size=8), max_size=12)):
        writer.writerow(cells)
        out.write(draw(st.sampled_from(["", "", "", "\n", " , \n", "\r", "x,y\r\n"])))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + out.getvalue()).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files())
def test_any_file_reads_as_the_csv_module_reads_it_whole_and_by_share(tmp_path, data):
    for share in SHARES:
        assert outcome(read, tmp_path, data, share) == outcome(by_csv_module, data, share)


def _stage_one_row(path: str, row: tuple) -> None:
    with _FileStage(path) as stage:
        stage.take(Batch([row], [], 1, 0))


def test_a_reader_stages_none_as_null_and_booleans_as_1_or_0_in_its_own_process(tmp_path):
    """A reader's staging binds None and booleans through adapters registered in its own
    process (they are quicker): what it stores is what sqlite3 stores without them."""
    values = dict.fromkeys(STAGE_COLUMNS) | {"row": 7, "code": "HS-1", "cashless": True, "digitised": False}
    path = tmp_path / "reader.sqlite"
    child = multiprocessing.get_context("spawn").Process(
        target=_stage_one_row, args=(str(path), tuple(values.values()))
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        stored = dict(connection.execute("SELECT * FROM dossier_stage").fetchone())
        types = connection.execute(
            "SELECT typeof(cashless), typeof(digitised), typeof(unit) FROM dossier_stage"
        )
        assert tuple(types.fetchone()) == ("integer", "integer", "null")
    assert stored == values | {"cashless": 1, "digitised": 0}
    assert (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters  # this process is left alone


PARENT_KILLED_AT_ONCE = """
import os, sys
from pathlib import Path
from models.dossiers.ingest import ProcessBatches
from models.dossiers.records import References
batches = ProcessBatches(Path(sys.argv[1]), References({}, {}), as_text=True, readers=2)
Path(sys.argv[2]).write_text(" ".join(str(reader.process.pid) for reader in batches.readers))
os._exit(9)
"""


def test_readers_whose_parent_dies_while_they_start_exit(tmp_path):
    """A parent killed right after starting its readers (they are still importing): each
    reader, which would wait for ever to queue a batch, was given the parent's pid, sees
    another parent and exits; a reader that looked its parent up itself got init's pid and
    watched init for ever."""
    source, pids_file = tmp_path / "d.csv", tmp_path / "pids"
    source.write_text(HEADER + "\nA,1" * 20 * BATCH_ROWS)  # more batches than a reader may queue
    subprocess.run([sys.executable, "-c", PARENT_KILLED_AT_ONCE, source, pids_file], cwd=PROJECT_ROOT)
    pids = [int(pid) for pid in pids_file.read_text().split()]
    deadline = time.monotonic() + 60 * PARENT_CHECK_SECONDS
    try:
        while (alive := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive == []
    finally:
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    """Whether the process exists and has not exited (a zombie waits for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
