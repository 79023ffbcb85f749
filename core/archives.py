"""Zip containers (XLSX workbooks, DOCX documents) checked before anything expands them.

A "zip bomb" is a small file whose members expand to gigabytes. Every XLSX or DOCX the app
accepts goes through ``check_zip`` first: it reads only the archive's central directory (a few
KB at the end of the file), never a member, and refuses the file when the members declare more
bytes than the caller allows, or compress implausibly well. Python's zipfile never yields more
than a member's declared size, so a member cannot lie its way past the check.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from core.errors import FieldError, PayloadTooLarge, UnsupportedMediaType

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # spreadsheets and documents compress 5-20x; deflate's ceiling is ~1000x
RATIO_FLOOR = 1024 * 1024  # a member smaller than this may compress as well as it likes
TABLE_MAX_EXPANDED = 256 * 1024 * 1024  # a plan, catalogue or scores workbook
WORKBOOK_MEMBER = "xl/workbook.xml"


NOT_A_WORKBOOK = "Tệp không phải bảng tính Excel (.xlsx)."


def not_a_workbook() -> UnsupportedMediaType:
    """415 for a file named .xlsx that is no zip at all (a CSV or a text file renamed)."""
    return UnsupportedMediaType(
        "the .xlsx file is not a workbook", [FieldError("file", "not a workbook", NOT_A_WORKBOOK)]
    )


def _too_large(detail: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        detail,
        [
            FieldError(
                "file",
                detail,
                "Tệp nén (Excel/Word) giải nén ra quá lớn hoặc có tỉ lệ nén bất thường "
                "(nghi là “bom nén”); hệ thống không mở tệp này.",
            )
        ],
    )


def check_zip(source: bytes | BinaryIO | Path, max_expanded: int, *, require: str | None = None) -> None:
    """Refuse an archive whose members would expand beyond ``max_expanded`` bytes in all, any
    member of 1 MiB or more compressed over MAX_RATIO times, or more than MAX_MEMBERS members
    (413); one that is not a readable zip, or lacks the member ``require`` names (415).

    ``source`` may be the bytes, a binary file (its position is restored) or a path."""
    position = source.tell() if hasattr(source, "tell") else None
    archive_source = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        with zipfile.ZipFile(archive_source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsupportedMediaType(
            f"not a readable XLSX/DOCX (zip) file: {exc}",
            [FieldError("file", "not a readable zip file", "Tệp bị hỏng hoặc không phải tệp Excel/Word.")],
        ) from None
    finally:
        if position is not None:
            source.seek(position)
    if len(members) > MAX_MEMBERS:
        raise _too_large(f"the archive has {len(members)} members; at most {MAX_MEMBERS}")
    expanded = sum(member.file_size for member in members)
    if expanded > max_expanded:
        raise _too_large(f"the archive expands to {expanded} bytes; at most {max_expanded}")
    for member in members:
        if member.file_size >= RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _too_large(
                f"{member.filename!r} expands {member.file_size // max(member.compress_size, 1)} times; "
                f"at most {MAX_RATIO}"
            )
    if require is not None and require not in {member.filename for member in members}:
        raise UnsupportedMediaType(
            f"the zip file has no {require} (not an Excel workbook)",
            [FieldError("file", f"no {require}", NOT_A_WORKBOOK)],
        )


SHARED_STRINGS_MEMBER = "xl/sharedStrings.xml"
PROLOG_LIMIT = 64 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def check_workbook(source: bytes | BinaryIO, shared_strings_limit: int) -> None:
    """Refuse a workbook (already through ``check_zip``) whose shared strings unzip to more than
    ``shared_strings_limit`` bytes (413: openpyxl reads them all into memory before the first
    row, however the sheet is streamed; an 8.9 MiB workbook whose strings unzip to 100 MiB took
    1.1 GiB), or with a DTD in an XML part (415: Excel never writes one; entities can expand)."""
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(
            io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
        ) as archive:
            members = archive.infolist()
            strings = next((m.file_size for m in members if m.filename == SHARED_STRINGS_MEMBER), 0)
            if strings > shared_strings_limit:
                raise _too_many_strings(strings, shared_strings_limit)
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _has_dtd(archive, member):
                    raise UnsupportedMediaType(
                        f"{member.filename} declares a DTD; a workbook never does",
                        [
                            FieldError(
                                "file",
                                "a DTD in the workbook",
                                "Tệp Excel có nội dung không được phép (DTD).",
                            )
                        ],
                    )
    finally:
        if position is not None:
            source.seek(position)


def _has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """A DOCTYPE before the part's root element (or a prolog too long to be a real one)."""
    with archive.open(member) as handle:
        prolog = handle.read(PROLOG_LIMIT)
    root = _ROOT_START.search(prolog)
    head = prolog[: root.start()] if root else prolog
    return b"<!DOCTYPE" in head.upper() or (root is None and len(prolog) == PROLOG_LIMIT)


def _too_many_strings(size: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the workbook's shared strings unzip to {size} bytes; at most {limit}",
        [
            FieldError(
                "file",
                f"shared strings beyond {limit} bytes",
                "Tệp Excel chứa quá nhiều văn bản khác nhau; hãy chia nhỏ tệp hoặc lưu dạng CSV.",
            )
        ],
    )
