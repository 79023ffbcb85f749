"""Vietnamese text helpers: search folding and the number/date formats users read."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Control characters other than tab and newline: Word's Shift+Enter pastes a vertical tab (a
# line break: kept as one), the others are dropped. None of them may reach a .docx ("All
# strings must be XML compatible" failed every report of the year).
_LINE_BREAKS = str.maketrans(
    {"\r": None, "\v": "\n", "\f": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,18}")


def nfc(text: str) -> str:
    """Text as stored: NFC (so that NFD input of the same name is the same name), without
    control characters other than tab and newline (a vertical tab is a newline), trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").translate(_LINE_BREAKS)
    return _CONTROL.sub("", text).strip()


def identifier(text: str) -> str:
    """A code or a username as stored: ``nfc`` without invisible (format) characters — zero-width
    space and joiners, soft hyphen, BOM, direction marks: "tuphap" + U+200B looked like "tuphap"."""
    return "".join(ch for ch in nfc(text) if unicodedata.category(ch) != "Cf").strip()


def strict_int(text: str) -> int | None:
    """The integer ``text`` spells in ASCII digits, else None ("²".isdigit() is true and
    int("²") raises; "١٢" is int 12 but no one types it here)."""
    text = text.strip()
    return int(text) if _ASCII_INTEGER.fullmatch(text) else None


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: "Quảng Ninh" -> "quang ninh"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


def format_int(value: int) -> str:
    """1191036 -> "1.191.036"."""
    return f"{value:,}".replace(",", ".")


_VIETNAMESE_SEPARATORS = str.maketrans(",.", ".,")


def rounded(value: float, digits: int = 2) -> Decimal:
    """``value`` to ``digits`` decimals, a half rounded up as people count (53,125 -> 53,13; 2,675
    -> 2,68), from the shortest decimal that is the float (a float's own rounding goes to even
    and works on its binary value: f"{53.125:.2f}" is "53.12", f"{2.675:.2f}" is "2.67")."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def round_half_up(value: float, digits: int = 2) -> float:
    """``rounded`` as a float, for a figure stored or sent rounded (the plan's percentage): it
    then prints as the same figure computed afresh does."""
    return float(rounded(value, digits))


def format_number(value: float, digits: int = 2) -> str:
    """91.49 -> "91,49"; 1234.5 -> "1.234,5"; whole numbers lose their decimals: 7.0 -> "7"."""
    text = f"{rounded(value, digits):,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_VIETNAMESE_SEPARATORS)


def format_fixed(value: float, digits: int = 2) -> str:
    """8.5 -> "8,50"; 1234.5 -> "1.234,50": always ``digits`` decimals (``format_number`` drops
    trailing zeros), for figures read beside percentages, such as a change in percentage points."""
    return f"{rounded(value, digits):,.{digits}f}".translate(_VIETNAMESE_SEPARATORS)


def format_percent(value: float, digits: int = 2) -> str:
    """95.114 -> "95,11%"; 75.0 -> "75,00%": every share printed with the same number of decimals,
    so a column of rates never mixes "48,7%" with "50,94%" (issue 12's one-precision rule)."""
    return format_fixed(value, digits) + "%"


KIB = 1024


def format_file_size(size: int) -> str:
    """A file's size as people read it: "60 byte" below 1 KB (a 60-byte file was "0 KB"), then
    KB, MB and GB (of 1024) with one Vietnamese decimal: "1,5 KB", "2,3 MB", "1 GB"; a size that
    rounds to 1.024 of one unit is 1 of the next ("1 MB", not "1.024 KB")."""
    if size < KIB:
        return f"{format_int(size)} byte"
    value = size / KIB
    for unit in ("KB", "MB"):
        if rounded(value, 1) < KIB:
            return f"{format_number(value, 1)} {unit}"
        value /= KIB
    return f"{format_number(value, 1)} GB"


def format_date_long(day: date) -> str:
    """Running-text date: "ngày 14 tháng 6 năm 2024"."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def format_date_formal(day: date) -> str:
    """The place-and-date line of a Decree 30/2020 document: "ngày 05 tháng 01 năm 2025".

    Days below 10 and the months January and February get a leading zero; other months do not
    ("ngày 14 tháng 6 năm 2024", "ngày 01 tháng 12 năm 2024").
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_date_short(day: date) -> str:
    """Table date: "14/06/2024"."""
    return day.strftime("%d/%m/%Y")


# --- periods -----------------------------------------------------------------------------------

QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_name(kind: str, year: int, number: int = 0) -> str:
    """The one way a period is named to people (pages, exports, notifications, reports), as the
    trích yếu of an administrative document says it: "tháng 6 năm 2023", "quý II năm 2023"
    (quarters in Roman numerals), "6 tháng đầu năm 2023", "9 tháng đầu năm 2023", "năm 2023".

    Lower case, to sit inside a sentence ("Báo cáo ... quý II năm 2023"); ``sentence_start``
    makes it open one. ``kind`` is ``month``, ``quarter`` (``number`` is the month or the
    quarter), ``half_year``, ``nine_months``, or ``annual`` (``year`` says the same). Never the
    period's key ("2023-Q2", "2023-06"): keys are for addresses and the API."""
    if kind == "month":
        if not 1 <= number <= 12:
            raise ValueError(f"no month {number}")
        return f"tháng {number} năm {year}"
    if kind == "quarter":
        if number not in QUARTER_NUMERALS:
            raise ValueError(f"no quarter {number}")
        return f"quý {QUARTER_NUMERALS[number]} năm {year}"
    names = {
        "half_year": f"6 tháng đầu năm {year}",
        "nine_months": f"9 tháng đầu năm {year}",
        "annual": f"năm {year}",
        "year": f"năm {year}",
    }
    if kind not in names:
        raise ValueError(f"no period kind {kind!r}")
    return names[kind]


def sentence_start(text: str) -> str:
    """``text`` opening a sentence or a heading: "Quý II năm 2023" (``str.capitalize`` would lower
    the rest, numeral included: "Quý ii năm 2023")."""
    return text[:1].upper() + text[1:]


# --- Vietnamese typed in a legacy font encoding ------------------------------------------------
# Before Unicode, Vietnamese was typed with VNI (VNI-Times) or TCVN3 (.VnTime, "ABC") fonts:
# the letters are stored as Latin-1 characters that only those fonts draw as Vietnamese, so an
# old spreadsheet saved as XLSX or UTF-8 CSV reads "Sôû Noäi vuï" (VNI) or "Së Néi vô" (TCVN3)
# for "Sở Nội vụ". Such text is refused, never stored.

_VIETNAMESE_BEYOND_LATIN1 = frozenset("ăĂđĐơƠưƯĩĨũŨ")
_NEVER_VIETNAMESE = frozenset("äåæçëïîñöøûüÿÄÅÆÇËÏÎÑÖØÛÜßðÐþÞ")
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_\xab\xbb]|[\xa1-\xaa\xac-\xbf])[\xa1-\xb1\xb4-\xbf×÷](?=[^\W\d_])")
_SYMBOL_ENDING_WORD = re.compile(r"(?<=[^\W\d_])[\xa1-\xaa\xac-\xaf\xb1\xb4-\xb6\xb8-\xba\xbc-\xbf](?!\w)")
LEGACY_ENCODING_MESSAGE = (
    "Văn bản có vẻ được gõ bằng bảng mã cũ (TCVN3/ABC hoặc VNI), ví dụ “Sôû Noäi vuï” hay "
    "“Së Néi vô” thay cho “Sở Nội vụ”. Hãy chuyển tệp sang Unicode (Unikey: Công cụ chuyển mã, "
    "từ TCVN3 hoặc VNI sang Unicode) rồi nhập lại."
)


def legacy_vietnamese(text: str) -> bool:
    """True when ``text`` reads like Vietnamese in a legacy font encoding (VNI or TCVN3) shown
    as Latin-1 letters: letters no Vietnamese word has (ä ë ï ö ü û ø ñ ...) among other accented
    letters, or symbols inside words ("Qu¶ng", "hµnh"), and no letter only Unicode Vietnamese
    has (ư ơ đ ă, ạ ả ấ ... ỹ). A single foreign name ("Müller") passes."""
    if text.isascii():
        return False
    if any(
        ch in _VIETNAMESE_BEYOND_LATIN1 or "\u1ea0" <= ch <= "\u1ef9" or "\u0300" <= ch <= "\u036f"
        for ch in text
    ):
        return False
    if any("\x80" <= ch <= "\x9f" for ch in text):  # C1 controls: bytes read as the wrong code page
        return True
    if _SYMBOL_IN_WORD.search(text) or _SYMBOL_ENDING_WORD.search(text):
        return True
    accented = [ch for ch in text if "\u00c0" <= ch <= "\u00ff"]
    return len(accented) >= 2 and any(ch in _NEVER_VIETNAMESE for ch in accented)


# --- Vietnamese alphabetical order ---------------------------------------------------------------
# The alphabet's letter order (a ă â b c d đ e ê …, with f j w z for foreign names), then the tones
# in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng), then lower case before upper case.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_sort_key(text: str) -> tuple:
    """A key that sorts Vietnamese names as a Vietnamese dictionary does: "Ân" after "Ăn" after
    "Anh", "Đông Triều" after "Dương", "Hạ Long" after "Hà Nội" only by tone. Spaces and
    punctuation come first, digits before letters."""
    letters, tones, cases = [], [], []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((_TONE_RANK[mark] for mark in decomposed[1:] if mark in _TONE_RANK), 0)
        shaped = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_RANK))
        lower = shaped.lower()
        if lower in _LETTER_RANK:
            letters.append((2, _LETTER_RANK[lower]))
        elif lower.isdigit():
            letters.append((1, ord(lower)))
        else:
            letters.append((0, ord(lower)))
        tones.append(tone)
        cases.append(shaped != lower)
    return tuple(letters), tuple(tones), tuple(cases)
