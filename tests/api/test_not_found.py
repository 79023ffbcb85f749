"""A record that does not exist: 404 problem details whose Vietnamese ``message`` names what was
looked for (the page shows the same sentence; tests/api/web/test_web_tasks.py)."""

from __future__ import annotations

import pytest

from core.errors import NotFound

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "path, message",
    [
        ("/api/tasks/999999", "Không tìm thấy nhiệm vụ này."),
        ("/api/plans/999999", "Không tìm thấy kế hoạch này."),
        ("/api/units/999999", "Không tìm thấy đơn vị này."),
        ("/api/users/999999", "Không tìm thấy tài khoản này."),
        ("/api/procedures/999999", "Không tìm thấy thủ tục hành chính này."),
        ("/api/dossiers/KHONG-CO-1", "Không tìm thấy hồ sơ có mã KHONG-CO-1."),
        ("/api/dossiers/imports/999999", "Không tìm thấy lượt nhập hồ sơ này."),
        ("/api/reports/999999", "Không tìm thấy phiên bản báo cáo này."),
        ("/api/rounds/999999", "Không tìm thấy đợt báo cáo này."),
        ("/api/submissions/999999", "Không tìm thấy báo cáo của đơn vị này."),
        ("/api/indices/par_index/2001", "Chưa có kết quả PAR INDEX năm 2001."),
    ],
)
async def test_a_missing_record_is_named_in_the_problem(client, world, headers, path, message):
    response = await client.get(path, headers=headers["admin"])
    assert response.status_code == 404, response.text
    problem = response.json()
    assert problem["message"] == message and problem["status"] == 404 and problem["instance"] == path


def test_every_not_found_says_in_vietnamese_what_is_missing():
    with pytest.raises(TypeError):
        NotFound("task 1 not found")  # type: ignore[call-arg]  # the message is not optional
