"""Files for the import and upload tests: a valid one for each import, and hostile ones (wrong
types, zip bombs, legacy Vietnamese encodings), built in memory."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

from openpyxl import Workbook

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def csv_bytes(rows: list[list[str]], *, bom: bool = False, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_rows(
    unit_code: str, code: str = "IX.1", title: str = "Rà soát thủ tục hành chính"
) -> list[list[str]]:
    return [
        ["Mã nhiệm vụ", "Lĩnh vực", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"],
        [code, "Cải cách thủ tục hành chính", title, unit_code, "30/06/2024"],
    ]


def procedure_rows(code: str = "9.001", name: str = "Cấp giấy phép xây dựng") -> list[list[str]]:
    return [
        ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Mức độ trực tuyến"],
        [code, name, "Xây dựng", "Cấp tỉnh", "Toàn trình"],
    ]


def index_rows(note: str = "Kết quả công bố năm 2025") -> list[list[str]]:
    return [
        ["Chỉ số", "Năm", "Điểm", "Xếp hạng", "Tổng số đơn vị xếp hạng", "Ghi chú"],
        ["PAR INDEX", "2024", "91,49", "4", "63", note],
    ]


def dossier_rows(code: str = "HS-F1", unit_code: str = "STP") -> list[list[str]]:
    return [
        ["code", "procedure", "unit", "channel", "received_at", "due_at", "resolved_at", "outcome"],
        [
            code,
            "1.001",
            unit_code,
            "online",
            "2024-03-04T08:00:00+07:00",
            "2024-03-15T17:00:00+07:00",
            "2024-03-10T10:00:00+07:00",
            "resolved",
        ],
    ]


def zip_bomb(member: str = "xl/worksheets/sheet1.xml", expanded: int = 4 * 1024**3) -> bytes:
    """A small zip whose central directory says ``member`` expands to ``expanded`` bytes (4 GiB
    by default) — what a decompression bomb looks like to a reader that checks before it reads
    (the data itself is a few KB of zeros, so the test is fast and light)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, b"\x00" * 4096)
    data = bytearray(out.getvalue())
    # Rewrite the declared uncompressed size of ``member`` (local header and central directory).
    name = member.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_offset : name_offset + len(name)] == name:
                data[start + size_offset : start + size_offset + 4] = min(expanded, 0xFFFFFFFF).to_bytes(
                    4, "little"
                )
            start += 4
    return bytes(data)


def real_zip_bomb(member: str = "xl/worksheets/sheet1.xml", expanded: int = 200 * 1024**2) -> bytes:
    """A zip that honestly expands to ``expanded`` bytes (200 MiB of zeros in ~200 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(expanded // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


# Legacy Vietnamese encodings: "Sở Nội vụ" as it reads once such a file is taken for UTF-8 or
# Windows-1252 text (VNI and TCVN3 fonts draw these Latin-1 letters as Vietnamese ones).
VNI_TEXT = "Sôû Noäi vuï"
TCVN3_TEXT = "Së Néi vô"


def cp1258(text: str) -> bytes:
    """Windows-1258: letters with a hat or horn are precomposed, tone marks combine."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tone = [mark for mark in marks if mark in "\u0300\u0301\u0303\u0309\u0323"]
            shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tone))
            out += (shape + "".join(tone)).encode("cp1258")
    return bytes(out)


CP1258_BYTES = cp1258("Sở Nội vụ")
