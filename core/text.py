"""Vietnamese text helpers: search folding and the number/date formats users read."""

from __future__ import annotations

import unicodedata
from datetime import date


def nfc(text: str) -> str:
    """Store text in NFC so that NFD input of the same name is the same name."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: "Quảng Ninh" -> "quang ninh"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


def format_int(value: int) -> str:
    """1191036 -> "1.191.036"."""
    return f"{value:,}".replace(",", ".")


def format_number(value: float, digits: int = 2) -> str:
    """91.49 -> "91,49"; 1234.5 -> "1.234,5"; whole numbers lose their decimals: 7.0 -> "7"."""
    text = f"{value:,.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,"))


def format_percent(value: float, digits: int = 2) -> str:
    """95.114 -> "95,11%"; whole numbers lose their decimals: 75.0 -> "75%"."""
    return format_number(value, digits) + "%"


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
