"""Who issues a report: the two issuer profiles of the provincial reporting chain (FORMATS.md).

The Sở Nội vụ drafts two documents per period: its own report to the People's Committee
(SỞ NỘI VỤ, …/BC-SNV, KT. GIÁM ĐỐC) and the People's Committee's report to the Ministry of Home
Affairs (ỦY BAN NHÂN DÂN TỈNH …, …/BC-UBND, TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH). A profile is
data: names come from settings where a setting exists, the rest follows the Decree 30 usage.
Staff choose the profile per report; ``reports.render`` prints the chosen one.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import ReportSettings

DEPARTMENT = "department"
PEOPLE_COMMITTEE = "people_committee"


@dataclass(frozen=True)
class Issuer:
    """The letterhead, the "Kính gửi", the recipients and the signer's authority of a report."""

    key: str
    label: str  # how staff choose it: "Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh"
    supervising_body: str  # "UBND TỈNH QUẢNG NINH" (empty: none)
    issuing_body: str  # "SỞ NỘI VỤ"
    symbol: str  # "BC-SNV": printed "Số: 15/BC-SNV"
    place: str  # "Quảng Ninh"
    addressee: str  # "Ủy ban nhân dân tỉnh Quảng Ninh" (empty: no "Kính gửi" line)
    signer_authority: tuple[str, ...]  # ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    signer_name: str  # the usual signer; the issue gives the actual one
    recipients: tuple[str, ...]  # without "- " and without "Như trên" (added when there is a Kính gửi)


def issuer_profiles(settings: ReportSettings) -> dict[str, Issuer]:
    """The deployment's profiles by key, the department's first (the default)."""
    province = settings.province.strip()
    return {
        DEPARTMENT: Issuer(
            key=DEPARTMENT,
            label=f"Báo cáo của Sở gửi Ủy ban nhân dân {province}",
            supervising_body=settings.supervising_body,
            issuing_body=settings.issuing_body,
            symbol=settings.symbol,
            place=settings.place,
            addressee=settings.addressee,
            signer_authority=settings.signer_authority,
            signer_name=settings.signer_name,
            recipients=settings.recipients,
        ),
        PEOPLE_COMMITTEE: Issuer(
            key=PEOPLE_COMMITTEE,
            label=f"Báo cáo của Ủy ban nhân dân {province} gửi Bộ Nội vụ",
            supervising_body="",
            issuing_body=f"ỦY BAN NHÂN DÂN {province.upper()}",
            symbol="BC-UBND",
            place=settings.place,
            addressee="Bộ Nội vụ",
            signer_authority=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            signer_name="",
            recipients=(
                "Văn phòng Chính phủ (b/c)",
                "Thường trực Tỉnh ủy (b/c)",
                "Thường trực HĐND tỉnh (b/c)",
                "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
                "Sở Nội vụ",
                "Lưu: VT, NC.",
            ),
        ),
    }


def default_issuer(settings: ReportSettings) -> Issuer:
    return issuer_profiles(settings)[DEPARTMENT]
