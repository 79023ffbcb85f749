"""Dossier test data: a small catalogue built through the domain functions, and files of
dossier rows in every accepted format."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from models.dossiers.ingest import ingest_records
from models.dossiers.records import FILE_COLUMNS
from models.dossiers.tables import (
    Dossier,
    DossierLateApology,
    DossierServiceProcedureTally,
    DossierServiceTally,
    DossierTally,
    DossierUnitDay,
    DossierUnitMonth,
    DossierUnitYear,
)
from models.procedures.service import ProcedureData, create_procedure

KEYS = [key for key, _ in FILE_COLUMNS]


@dataclass(frozen=True)
class Catalogue:
    province_procedure: str  # codes
    commune_procedure: str


async def build_catalogue(world) -> Catalogue:
    await create_procedure(
        world.admin,
        ProcedureData("1.001", "Cấp phiếu lý lịch tư pháp", "Tư pháp", "province", "full", world.unit_a, 10),
    )
    await create_procedure(
        world.admin, ProcedureData("2.001", "Đăng ký khai sinh", "Hộ tịch", "commune", "partial", None, 1)
    )
    return Catalogue("1.001", "2.001")


async def delete_dossiers() -> None:
    """No dossier and no tally: between the examples of a property test."""
    for table in (
        Dossier,
        DossierTally,
        DossierUnitDay,
        DossierUnitMonth,
        DossierUnitYear,
        DossierLateApology,
        DossierServiceTally,
        DossierServiceProcedureTally,
    ):
        await table.delete(force=True)


def dossier(code: str, **overrides) -> dict[str, str]:
    """A resolved-early dossier of Sở Tư pháp, with ``overrides`` applied."""
    row = {
        "code": code,
        "procedure": "1.001",
        "unit": "STP",
        "channel": "online",
        "received_at": "2024-03-04T08:00:00+07:00",
        "due_at": "2024-03-15T17:00:00+07:00",
        "resolved_at": "2024-03-10T10:00:00+07:00",
        "outcome": "resolved",
        "cashless": "1",
        "apology_issued_on": "",
        "apology_new_due": "",
    }
    return row | overrides


async def judicial_record_dossiers(world, records: list[dict]) -> None:
    """Procedure 1.001, "Cấp phiếu lý lịch tư pháp" (field "Lý lịch tư pháp", provincial, Sở Tư
    pháp, 10 days), and ``records`` of it pushed as the one-stop system does: each names its
    code, times and outcome; procedure, unit (STP) and channel (online) are filled in."""
    await create_procedure(
        world.staff,
        ProcedureData(
            "1.001", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "province", "full", world.unit_a, 10
        ),
    )
    filled = {"procedure": "1.001", "unit": "STP", "channel": "online"}
    await ingest_records(world.admin, [filled | record for record in records])


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=KEYS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({k: (v or None) for k, v in row.items()}, ensure_ascii=False) + "\n")
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append([label for _, label in FILE_COLUMNS])
    for row in rows:
        sheet.append([row.get(key, "") for key in KEYS])  # the optional columns may be left out
    book.save(path)
    return path
