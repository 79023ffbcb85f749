"""The checks every upload goes through: zip bombs, names, types, encodings, legacy Vietnamese."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.archives import WORKBOOK_MEMBER, check_zip
from core.errors import PayloadTooLarge, UnsupportedMediaType
from core.text import legacy_vietnamese
from core.uploads import check_name, check_not_binary, decode_utf8, first_non_utf8, safe_filename
from tests.sample_files import CP1258_BYTES, PDF, PNG, real_zip_bomb, xlsx_bytes, zip_bomb

LEGACY = [
    "Sôû Noäi vuï",  # VNI: Sở Nội vụ
    "Tröïc tuyeán",  # VNI: Trực tuyến
    "Ñaêng kyù khai sinh",  # VNI: Đăng ký khai sinh
    "Së Néi vô",  # TCVN3: Sở Nội vụ
    "Qu¶ng Ninh",  # TCVN3: Quảng Ninh
    "Thñ tôc hµnh chÝnh",  # TCVN3: Thủ tục hành chính
    "§¨ng ký",  # TCVN3: Đăng ký
    "c«ng v¨n",  # TCVN3: công văn
]
GENUINE = [
    "Sở Nội vụ",
    "Quảng Ninh",
    "Ông Tô Văn Mê",
    "Chuyên viên",
    "Müller",
    "Noël",
    "José Martí",
    "1.000 m²",
    "25°C",
    "«Đổi mới»",
    "5 µm",
    "STP",
    "",
]


@pytest.mark.parametrize("text", LEGACY)
def test_legacy_vietnamese_is_recognised(text):
    assert legacy_vietnamese(text)


@pytest.mark.parametrize("text", GENUINE)
def test_unicode_vietnamese_and_foreign_names_are_not(text):
    assert not legacy_vietnamese(text)


def test_check_zip_reads_only_the_directory():
    check_zip(xlsx_bytes([["a", "b"]]), 10 * 1024 * 1024, require=WORKBOOK_MEMBER)
    with pytest.raises(PayloadTooLarge, match="expands to"):
        check_zip(zip_bomb(expanded=4 * 1024**3), 256 * 1024 * 1024)
    with pytest.raises(PayloadTooLarge, match="times"):  # 200 MiB in ~200 KB: over 200 times
        check_zip(real_zip_bomb(expanded=64 * 1024 * 1024), 1024**3)
    with pytest.raises(UnsupportedMediaType, match="not an Excel workbook"):
        check_zip(zip_bomb("word/document.xml", expanded=10), 1024, require=WORKBOOK_MEMBER)
    with pytest.raises(UnsupportedMediaType, match="not a readable"):
        check_zip(b"PK\x03\x04 and nothing else", 1024)


def test_check_zip_restores_a_file_position():
    handle = io.BytesIO(xlsx_bytes([["a"]]))
    handle.seek(7)
    check_zip(handle, 1024 * 1024)
    assert handle.tell() == 7


def test_too_many_members_is_a_bomb_too():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(10_001):
            archive.writestr(f"m{n}", b"")
    with pytest.raises(PayloadTooLarge, match="members"):
        check_zip(out.getvalue(), 1024**3)


def test_names_and_binary_contents():
    check_name("ke-hoach.CSV", (".csv", ".xlsx"))
    check_name("", (".csv",))  # no name: judged by content
    with pytest.raises(UnsupportedMediaType, match=r"\.docx"):
        check_name("ke-hoach.docx", (".csv", ".xlsx"))
    for head in (PNG, PDF):
        with pytest.raises(UnsupportedMediaType):
            check_not_binary(head)
    check_not_binary(b"code,name\n")
    check_not_binary(xlsx_bytes([["a"]])[:262])  # a zip: the workbook reader decides


def test_utf8_errors_name_the_line(tmp_path):
    assert decode_utf8("\ufeffa,b\nSở,Nội vụ\n".encode()) == "a,b\nSở,Nội vụ\n"
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_utf8(b"a,b\n1,2\n" + CP1258_BYTES)
    assert caught.value.errors[0].row == 3 and "dòng 3" in caught.value.errors[0].message
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 300_000 + CP1258_BYTES)  # the bad byte beyond the first chunk
    assert first_non_utf8(path, chunk_size=64 * 1024).errors[0].row == 300_001


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("bao-cao\r\nSet-Cookie: a=b.pdf", "bao-caoSet-Cookie: a=b.pdf"),
        ("ảnh\u202egnp.exe", "ảnhgnp.exe"),  # a right-to-left override ("exe.png" on screen)
        ("báo cáo.docx".replace("á", "a\u0301"), "báo cáo.docx"),  # NFD in, NFC out
        ("...", ""),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_safe_filename(given, kept):
    assert safe_filename(given) == kept
