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


def format_percent(value: float, digits: int = 2) -> str:
    """95.114 -> "95,11%"; whole numbers lose their decimals: 75.0 -> "75%"."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",") + "%"


def format_date_long(day: date) -> str:
    """Running-text date: "ngày 14 tháng 6 năm 2024"."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def format_date_short(day: date) -> str:
    """Table date: "14/06/2024"."""
    return day.strftime("%d/%m/%Y")
