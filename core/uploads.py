"""What every uploaded data file is checked for before it is read: its name's extension, its
real type (from its bytes), and for text, UTF-8 (legacy Vietnamese code pages are named).

Used by the spreadsheet imports (core.tabular), the dossier import (models.dossiers.ingest,
models.dossiers.import_jobs); zip containers go through core.archives.check_zip.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path, PurePath

import filetype

from core.errors import FieldError, UnsupportedMediaType

TABLE_EXTENSIONS = (".csv", ".xlsx")
NOT_UTF8_MESSAGE = (
    "Tệp CSV phải dùng bảng mã UTF-8, nhưng dòng {row} có ký tự không đọc được theo UTF-8: có lẽ "
    "tệp được lưu bằng bảng mã cũ (Windows-1258, TCVN3/ABC hoặc VNI). Trong Excel, chọn "
    "Lưu thành → “CSV UTF-8 (phân cách bằng dấu phẩy)”, hoặc chuyển mã bằng Unikey rồi nhập lại."
)


# Characters a file name never keeps: C0/C1 controls (a CR/LF would split a header), and the
# bidirectional overrides that make "gpj.exe" display as "exe.jpg".
_UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_filename(filename: str, max_length: int = 200) -> str:
    """A file name as given by a user, reduced to what can be shown and sent back safely: its
    last path component (``/`` or ``\\``), in NFC, without control or direction characters,
    at most ``max_length`` characters (keeping the extension); "" when nothing is left."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_IN_NAMES.sub("", unicodedata.normalize("NFC", base)).strip().strip(".")
    if len(base) > max_length:
        stem, dot, suffix = base.rpartition(".")
        base = (
            stem[: max_length - len(suffix) - 1] + dot + suffix
            if dot and len(suffix) < 16
            else base[:max_length]
        )
    return base


def extension(filename: str) -> str:
    return PurePath(filename.replace("\\", "/")).suffix.lower()


def check_name(filename: str, allowed: tuple[str, ...]) -> None:
    """415 when the file's name says a type the import does not take (a name without an
    extension is judged by its content alone)."""
    suffix = extension(filename)
    if suffix and suffix not in allowed:
        kinds = ", ".join(allowed)
        raise UnsupportedMediaType(
            f"a {suffix} file cannot be imported; expected {kinds}",
            [FieldError("file", f"expected {kinds}", f"Chỉ nhận tệp {kinds}; tệp gửi lên là {suffix}.")],
        )


def check_not_binary(head: bytes) -> None:
    """415 when the first bytes are those of a known binary format (an image, a PDF, an
    archive...) other than a zip container (XLSX), which the caller opens as a workbook."""
    kind = filetype.guess(head)
    if kind is not None and not head.startswith(b"PK"):
        raise UnsupportedMediaType(
            f"the file is {kind.mime}, not a spreadsheet",
            [
                FieldError(
                    "file",
                    f"content is {kind.mime}",
                    f"Tệp là {kind.extension.upper()} ({kind.mime}), không phải bảng tính CSV hoặc Excel.",
                )
            ],
        )


def not_utf8(error: UnicodeDecodeError, first_row: int = 1) -> UnsupportedMediaType:
    """The 415 for text that is not UTF-8, naming the line of the first undecodable byte
    (``first_row``: the number of the line the decoded bytes start on)."""
    data = error.object
    row = first_row + data[: error.start].count(b"\n")
    return UnsupportedMediaType(
        f"CSV files must be UTF-8 encoded (line {row}: byte {data[error.start]:#04x} is not UTF-8)",
        [FieldError("file", "not UTF-8", NOT_UTF8_MESSAGE.format(row=row), row=row)],
    )


def first_non_utf8(path: Path, chunk_size: int = 1024 * 1024) -> UnsupportedMediaType:
    """The 415 for a text file that is not UTF-8 throughout, naming the line of its first
    undecodable byte (the file is read in chunks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return not_utf8(exc, first_row=lines + 1)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return not_utf8(exc, first_row=lines + 1)
    return UnsupportedMediaType("CSV files must be UTF-8 encoded")


def decode_utf8(data: bytes) -> str:
    """CSV bytes as text: UTF-8, with or without a BOM; 415 naming the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(exc) from None
