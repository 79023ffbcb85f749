"""Who issues a report: the two issuer profiles of the provincial reporting chain (FORMATS.md),
and a unit's own letterhead for a unit's report.

The Sở Nội vụ drafts two documents per period: its own report to the People's Committee
(SỞ NỘI VỤ, …/BC-SNV, KT. GIÁM ĐỐC) and the People's Committee's report to the Ministry of Home
Affairs (ỦY BAN NHÂN DÂN TỈNH …, …/BC-UBND, TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH). A unit's report
(its own tasks and dossiers) is the unit's document to the Sở Nội vụ, which builds the province's
from them: the unit's name in the letterhead, its code in the symbol (…/BC-STP), its head signing.
Until districts ended (30 June 2025) a commune, or a district's own office, reported to its
district's People's Committee instead.
A profile is data: names come from settings and the unit where they exist, the rest follows the
Decree 30 usage. Staff choose among the profiles the report's scope offers; ``reports.render``
prints the chosen one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.settings import ReportSettings
from models.units import service as units
from models.vocabulary import UnitKind

DEPARTMENT = "department"
PEOPLE_COMMITTEE = "people_committee"
UNIT = "unit"  # a unit's report, on its own letterhead


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


@dataclass(frozen=True)
class IssuingUnit:
    """The unit a unit's report is written for and issued by."""

    name: str  # "Sở Tư pháp", "UBND huyện Cô Tô"
    code: str  # "STP": the document symbol's suffix for a department
    kind: str  # models.vocabulary.UnitKind
    # The district committee the unit answers to ("UBND huyện Cô Tô" for UBND thị trấn Cô Tô,
    # until districts ended on 30 June 2025); empty: the unit answers to the province.
    superior: str = ""

    @classmethod
    def from_row(cls, row: dict, parent: dict | None, cut_off: date) -> IssuingUnit:
        """The unit of ``row`` (models.units), under ``parent`` (its parent unit's row), in the
        report for the period ending on ``cut_off``: a district it answered to counts while the
        district still existed on that day."""
        under_district = (
            parent is not None
            and parent["kind"] == UnitKind.DISTRICT_COMMITTEE
            and (parent["valid_to"] is None or parent["valid_to"] >= cut_off)
        )
        return cls(row["name"], row["code"], row["kind"], parent["name"] if under_district else "")


async def issuing_unit(unit_id: int | None, cut_off: date) -> IssuingUnit | None:
    """The scope's unit in the report for the period ending on ``cut_off`` (None: the province's
    report)."""
    if unit_id is None:
        return None
    row = await units.get_unit(unit_id)
    parent = await units.get_unit(row["parent"]) if row["parent"] else None
    return IssuingUnit.from_row(row, parent, cut_off)


def default_profile(unit_scoped: bool) -> str:
    """The profile a report is written for until staff choose: the department's, or a unit's own."""
    return UNIT if unit_scoped else DEPARTMENT


COMMITTEES = frozenset(
    {UnitKind.PROVINCIAL_COMMITTEE, UnitKind.DISTRICT_COMMITTEE, UnitKind.COMMUNE_COMMITTEE}
)
# The head who signs a unit's report, by the first words of the unit's name; any other unit's
# head is its "Thủ trưởng".
HEAD_TITLES = (
    ("Sở ", "GIÁM ĐỐC"),
    ("Trung tâm ", "GIÁM ĐỐC"),
    ("Văn phòng ", "CHÁNH VĂN PHÒNG"),
    ("Thanh tra ", "CHÁNH THANH TRA"),
    ("Ban ", "TRƯỞNG BAN"),
    ("Phòng ", "TRƯỞNG PHÒNG"),
)
OTHER_HEAD = "THỦ TRƯỞNG"
# The kinds of local administrative unit a district or commune committee is named after.
LOCALITY_KINDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "huyện", "quận", "phường", "xã")


def issuer_profiles(settings: ReportSettings, unit: IssuingUnit | None = None) -> dict[str, Issuer]:
    """The profiles a report's scope offers, by key, the default first: the province's two, or
    a unit's own one."""
    if unit is not None:
        return {UNIT: unit_issuer(settings, unit)}
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


def issuer_for(settings: ReportSettings, key: str, unit: IssuingUnit | None = None) -> Issuer:
    """The profile ``key`` of the scope; a choice the scope does not offer (a unit's draft saved
    before units had their own letterhead) gives the scope's default."""
    profiles = issuer_profiles(settings, unit)
    return profiles.get(key) or profiles[default_profile(unit is not None)]


def unit_issuer(settings: ReportSettings, unit: IssuingUnit) -> Issuer:
    """A unit's own report to the Sở Nội vụ (the Sở Nội vụ's own, to the People's Committee; a
    unit under a district, to the district's People's Committee, under whose name it writes)."""
    committee = unit.kind in COMMITTEES
    name = _full_name(unit.name)
    home_affairs = name.upper() == settings.issuing_body.upper()
    if unit.superior:
        addressee = _full_name(unit.superior)
    elif unit.kind == UnitKind.PROVINCIAL_COMMITTEE:
        addressee = "Bộ Nội vụ"  # the province reports to the Ministry
    else:
        addressee = settings.addressee if home_affairs else f"Sở Nội vụ {settings.province.strip()}"
    if committee:
        supervising_body = ""
    else:
        supervising_body = unit.superior.upper() if unit.superior else settings.supervising_body
    return Issuer(
        key=UNIT,
        label=f"Báo cáo của {unit.name}",
        supervising_body=supervising_body,
        issuing_body=name.upper(),
        symbol="BC-UBND" if committee else f"BC-{unit.code}",
        place=document_place(settings, unit),
        addressee=addressee,
        signer_authority=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") if committee else (_head_title(unit.name),),
        signer_name="",
        recipients=("Lưu: VT.",),
    )


def document_place(settings: ReportSettings, unit: IssuingUnit) -> str:
    """The place before the date (Decree 30, Appendix I): the proper name of the administrative
    unit where the issuer sits, so a district's or commune's committee writes its own ("Cô Tô,
    ngày …") and the province's bodies the province's. A unit named by a number keeps its kind
    ("Phường 12", "Phường Móng Cái 1"), as the decree asks. A district's office writes its
    district's."""
    if unit.kind not in (UnitKind.DISTRICT_COMMITTEE, UnitKind.COMMUNE_COMMITTEE):
        if unit.superior:
            return document_place(settings, IssuingUnit(unit.superior, "", UnitKind.DISTRICT_COMMITTEE))
        return settings.place
    locality = _full_name(unit.name).removeprefix("Ủy ban nhân dân ")
    kind = next((kind for kind in LOCALITY_KINDS if locality.startswith(f"{kind} ")), None)
    if kind is None:  # a name the system does not recognise: the province's place, as before
        return settings.place
    proper = locality[len(kind) + 1 :].strip()
    if not proper:
        return settings.place
    return f"{kind[:1].upper()}{kind[1:]} {proper}" if any(ch.isdigit() for ch in proper) else proper


def _full_name(name: str) -> str:
    """ "UBND huyện Cô Tô" written in full, as a letterhead has it: "Ủy ban nhân dân huyện Cô Tô"."""
    return "Ủy ban nhân dân" + name[len("UBND") :] if name.startswith("UBND ") else name


def _head_title(name: str) -> str:
    return next((title for start, title in HEAD_TITLES if name.startswith(start)), OTHER_HEAD)
