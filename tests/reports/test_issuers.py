"""The two issuer profiles of the reporting chain, and how each prints (FORMATS.md)."""

from __future__ import annotations

from dataclasses import replace

from core.settings import get_settings
from reports import wording
from reports.document import compose
from reports.issuers import DEPARTMENT, PEOPLE_COMMITTEE, issuer_profiles
from reports.render import render_report
from tests.reports import sample
from tests.reports.docx_read import full_text, load, paragraph


def test_the_department_profile_comes_from_settings():
    settings = get_settings().report
    department = issuer_profiles(settings)[DEPARTMENT]
    assert (department.issuing_body, department.symbol) == (settings.issuing_body, settings.symbol)
    assert department.signer_authority == settings.signer_authority
    assert wording.recipient_lines(department)[0] == "- Như trên;"  # it has a Kính gửi


def test_the_people_committee_reports_to_the_ministry():
    settings = replace(get_settings().report, province="tỉnh Quảng Ninh", place="Quảng Ninh")
    committee = issuer_profiles(settings)[PEOPLE_COMMITTEE]
    assert committee.issuing_body == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" and committee.supervising_body == ""
    assert committee.signer_authority[:2] == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    data = sample.report(issuer=committee)
    issue = replace(sample.ISSUE, profile_key=PEOPLE_COMMITTEE)
    document = load(render_report(data, compose(data), issue))
    assert paragraph(document, "Số: ").text == "Số: 15/BC-UBND"
    assert paragraph(document, "Kính gửi:").text == "Kính gửi: Bộ Nội vụ."
    text = full_text(document)
    assert "- Như trên;\n" in text and "- Lưu: VT, NC." in text and "Nguyễn Văn A" in text


def test_an_issue_under_another_profile_is_refused():
    data = sample.report()
    issue = replace(sample.ISSUE, profile_key=PEOPLE_COMMITTEE)
    try:
        render_report(data, compose(data), issue)
    except ValueError as error:
        assert "people_committee" in str(error)
    else:
        raise AssertionError("rendered under the wrong profile")
