"""Each role's allowed and denied actions through HTTP, against the one matrix in
models/permissions.py: every API route is listed here with the action it needs, and each role
(the integration's API key included) is allowed exactly when the matrix says so; every denial
is a 403 problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from litestar.routes import HTTPRoute

from api.app import create_app
from models.accounts.service import AccountData, create_account_unchecked, create_api_key, sign_in
from models.dossiers.import_jobs import create_job
from models.dossiers.ingest import ingest_records
from models.permissions import PERMISSIONS, Action
from models.plans.evidence import upload_evidence
from models.plans.tasks import TaskDefinition, create_task
from models.rounds.files import attach_file
from models.rounds.submissions import submission_id_for
from models.vocabulary import Role
from reports.outline import REQUIRED as REQUIRED_SECTIONS
from reports.runs import RunRequest, execute_run, request_run
from tests.dossier_data import build_catalogue, dossier
from tests.report_drafts import write_required
from tests.rounds_world import CATALOGUE_HEADER, open_test_round
from tests.sample_files import PNG, csv_bytes, dossier_rows, index_rows, plan_rows, procedure_rows
from tests.waiting import background_idle
from tests.world import PASSWORD, make_account

pytestmark = pytest.mark.anyio

ROLES = ("admin", "staff", "head_a", "head_b", "viewer", "integration", "reporter_a")
ROLE_OF = {
    "admin": Role.ADMIN,
    "staff": Role.HOME_AFFAIRS,
    "head_a": Role.UNIT_HEAD,
    "head_b": Role.UNIT_HEAD,
    "viewer": Role.VIEWER,
    "integration": Role.INTEGRATION,
    "reporter_a": Role.REPORTER,  # unit A's reporter (reporting rounds)
}
UNIT_SCOPED = (Role.UNIT_HEAD, Role.REPORTER)
PROVINCE = "province"  # a unit-scoped action on the whole province: no unit head may
# Routes every signed-in caller uses on their own account, whatever the role (not in the matrix).
SELF_SERVICE = {("POST", "/api/auth/logout"), ("POST", "/api/auth/password"), ("POST", "/api/auth/login")}


@dataclass
class Call:
    name: str
    method: str
    path: str
    action: Action
    json: dict | None = None
    files: dict | None = None
    unit: int | str | None = None  # unit-scoped: unit heads only for this unit (PROVINCE: none)
    ok: int | None = None  # an allowed role's exact status; by default 200, POST 201, DELETE 204
    again: int | None = None  # the status once an earlier role's success changed the state for good
    undo: dict | None = None  # posted to the same path by an admin after each success
    also: Action | None = None  # the roles of this action are allowed too, whatever their unit

    @property
    def success(self) -> int:
        return self.ok or {"POST": 201, "DELETE": 204}.get(self.method, 200)

    def allowed(self, world) -> set[str]:
        units = {"head_a": world.unit_a, "head_b": world.unit_b, "reporter_a": world.unit_a}
        return {
            role
            for role in ROLES
            if (
                ROLE_OF[role] in PERMISSIONS[self.action]
                and (self.unit is None or ROLE_OF[role] not in UNIT_SCOPED or units[role] == self.unit)
            )
            or (self.also is not None and ROLE_OF[role] in PERMISSIONS[self.also])
        }


@dataclass(frozen=True)
class Extra:
    """Records the calls act on, beyond the test world."""

    task_c: int  # led by unit A, for cancelling
    evidence_id: int
    spare_account: int
    spare_key: int
    job_id: int
    run_id: int
    unissued_run_id: int  # another version of the report, deleted last
    round_id: int = 1  # the 2024-H1 reporting round (tests/rounds_world.py)
    submission_a: int = 1  # unit A's submission to it
    submission_b: int = 2
    file_a: int = 1  # an evidence file of unit A's submission


@pytest.fixture
async def extra(world) -> Extra:
    await build_catalogue(world)
    record = {k: v for k, v in dossier("HS-1").items() if v} | {"cashless": True}
    await ingest_records(world.admin, [record])
    task_c = await create_task(
        world.staff,
        world.plan_id,
        TaskDefinition("II.9", "institutions", "Nhiệm vụ để hủy", world.unit_a, ongoing=True),
    )
    staged = await upload_evidence(world.head_a, world.task_a, "minh-chung.png", PNG)
    spare = await create_account_unchecked(AccountData("spare", "Dự phòng", "viewer", None, PASSWORD))
    _, key = await create_api_key(world.admin, spare["id"], "khóa dự phòng")
    job = await create_job(world.staff, "ho-so.csv", False)
    await write_required(world.staff, "2024-H1")  # issuing waits for them
    run = await request_run(world.staff, RunRequest("2024-H1"))
    await execute_run(run["id"])  # done: it can be downloaded and issued
    unissued = await request_run(world.staff, RunRequest("2024-H1"))
    rounds = await open_test_round(world)
    submission_a = await submission_id_for(world.staff, rounds.round_id, world.unit_a)
    submission_b = await submission_id_for(world.staff, rounds.round_id, world.unit_b)
    attached = await attach_file(world.staff, submission_a, "bien-ban.png", PNG)
    return Extra(
        task_c["id"],
        staged["id"],
        spare["id"],
        key["id"],
        job["id"],
        run["id"],
        unissued["id"],
        rounds.round_id,
        submission_a,
        submission_b,
        attached["id"],
    )


@pytest.fixture
async def callers(world, headers, extra) -> dict[str, dict[str, str]]:
    """Each role's credential: the test world's people, the one-stop system's API key, and unit
    A's reporter (made with the reporting round)."""
    machine = await make_account("motcua", Role.INTEGRATION)
    key, _ = await create_api_key(world.admin, machine.account_id, "Hệ thống một cửa")
    reporter, _ = await sign_in("reporter_a", PASSWORD)
    return {
        **headers,
        "integration": {"X-API-Key": key},
        "reporter_a": {"Authorization": f"Bearer {reporter}"},
    }


def upload(name: str, content: bytes) -> dict:
    return {"file": (name, content)}


def calls(world, extra: Extra) -> list[Call]:
    """Every API call worth asking as each role, with the action the matrix gives it."""
    plan, task_a, task_b = world.plan_id, world.task_a, world.task_b
    unit_a = world.unit_a
    record = {k: v for k, v in dossier("HS-2").items() if v} | {"cashless": True}
    return [
        Call("who am I", "GET", "/api/auth/me", Action.READ),
        Call("list units", "GET", "/api/units", Action.READ),
        Call("read unit", "GET", f"/api/units/{unit_a}", Action.READ),
        Call(
            "create unit",
            "POST",
            "/api/units",
            Action.MANAGE_UNITS,
            {"code": "NEW", "name": "Đơn vị mới", "kind": "department", "level": "province"},
        ),
        Call(
            "rename unit", "PATCH", f"/api/units/{unit_a}", Action.MANAGE_UNITS, {"name": "Sở Tư pháp tỉnh"}
        ),
        Call("list users", "GET", "/api/users", Action.MANAGE_ACCOUNTS),
        Call("read user", "GET", f"/api/users/{world.viewer.account_id}", Action.MANAGE_ACCOUNTS),
        Call(
            "create user",
            "POST",
            "/api/users",
            Action.MANAGE_ACCOUNTS,
            {"username": "u1", "full_name": "U", "role": "viewer", "password": "long-enough-1"},
        ),
        Call(
            "change user",
            "PATCH",
            f"/api/users/{world.viewer.account_id}",
            Action.MANAGE_ACCOUNTS,
            {"full_name": "Người xem"},
        ),
        Call("deactivate user", "DELETE", f"/api/users/{extra.spare_account}", Action.MANAGE_ACCOUNTS),
        Call("list api keys", "GET", "/api/api-keys", Action.MANAGE_ACCOUNTS),
        Call(
            "create api key",
            "POST",
            "/api/api-keys",
            Action.MANAGE_ACCOUNTS,
            {"account_id": world.viewer.account_id, "name": "k"},
        ),
        Call(
            "revoke api key",
            "DELETE",
            f"/api/api-keys/{extra.spare_key}",
            Action.MANAGE_ACCOUNTS,
        ),
        Call("list plans", "GET", "/api/plans", Action.READ),
        Call("read plan", "GET", f"/api/plans/{plan}", Action.READ),
        Call(
            "create plan", "POST", "/api/plans", Action.MANAGE_PLANS, {"year": 2030, "title": "Kế hoạch 2030"}
        ),
        Call("change plan", "PATCH", f"/api/plans/{plan}", Action.MANAGE_PLANS, {"doc_number": "9/KH-UBND"}),
        Call("list tasks", "GET", f"/api/plans/{plan}/tasks", Action.READ),
        Call("summary", "GET", f"/api/plans/{plan}/summary", Action.READ),
        Call("changes", "GET", f"/api/plans/{plan}/changes?since=2024-01-01", Action.READ),
        Call("export", "GET", f"/api/plans/{plan}/export?format=csv", Action.READ),
        Call(
            "import plan file",
            "POST",
            f"/api/plans/{plan}/import",
            Action.MANAGE_PLANS,
            ok=200,
            files=upload("ke-hoach.csv", csv_bytes(plan_rows("STP"))),
        ),
        Call(
            "create task",
            "POST",
            f"/api/plans/{plan}/tasks",
            Action.MANAGE_PLANS,
            {"code": "Z.1", "area": "leadership", "title": "t", "lead_unit_id": unit_a, "ongoing": True},
        ),
        Call("read task", "GET", f"/api/tasks/{task_a}", Action.READ),
        Call("edit task", "PATCH", f"/api/tasks/{task_a}", Action.MANAGE_PLANS, {"title": "Tên mới"}),
        Call("history", "GET", f"/api/tasks/{task_a}/updates", Action.READ),
        Call(
            "report own-unit task",
            "POST",
            f"/api/tasks/{task_a}/updates",
            Action.REPORT_PROGRESS,
            {"status": "in_progress", "progress": 10, "note": "Cập nhật"},
            unit=unit_a,
        ),
        Call(
            "report unit B's task",
            "POST",
            f"/api/tasks/{task_b}/updates",
            Action.REPORT_PROGRESS,
            {"status": "in_progress", "progress": 20, "note": "Cập nhật"},
            unit=world.unit_b,
        ),
        Call(
            "upload evidence",
            "POST",
            f"/api/tasks/{task_a}/evidence",
            Action.REPORT_PROGRESS,
            files=upload("anh.png", PNG),
            unit=unit_a,
        ),
        Call("download evidence", "GET", f"/api/evidence/{extra.evidence_id}", Action.READ),
        Call(
            "cancel a task",
            "POST",
            f"/api/tasks/{extra.task_c}/updates",
            Action.REOPEN_TASK,
            {"status": "cancelled", "note": "Không còn phù hợp"},
            undo={"status": "in_progress", "note": "Khôi phục"},
        ),
        Call("list procedures", "GET", "/api/procedures", Action.READ),
        Call("procedure counts", "GET", "/api/procedures/counts", Action.READ),
        Call("read procedure", "GET", "/api/procedures/1", Action.READ),
        Call(
            "create procedure",
            "POST",
            "/api/procedures",
            Action.MANAGE_PROCEDURES,
            {
                "code": "P.1",
                "name": "Thủ tục",
                "field": "Đất đai",
                "level": "province",
                "online_level": "full",
            },
        ),
        Call(
            "import procedures",
            "POST",
            "/api/procedures/import",
            Action.MANAGE_PROCEDURES,
            ok=200,
            files=upload("thu-tuc.csv", csv_bytes(procedure_rows())),
        ),
        Call("push dossiers", "POST", "/api/dossiers", Action.INGEST_DOSSIERS, {"records": [record]}, ok=200),
        Call("read dossier", "GET", "/api/dossiers/HS-1", Action.READ),
        Call("dossier stats", "GET", "/api/dossiers/stats?from=2024-01-01&to=2024-03-31", Action.READ),
        Call(
            "late dossiers",
            "GET",
            "/api/dossiers/late-without-apology?from=2024-01-01&to=2024-03-31",
            Action.READ,
        ),
        Call("service index", "GET", "/api/service-index?period=2024-03&group_by=unit", Action.READ),
        Call("service index trend", "GET", "/api/service-index/trend?period=2024-Q1", Action.READ),
        Call(
            "dossiers that lost points",
            "GET",
            "/api/service-index/dossiers?period=2024-03&indicator=on_time",
            Action.READ,
        ),
        Call("service index export", "GET", "/api/service-index/export?period=2024", Action.READ),
        Call("dossier import jobs", "GET", "/api/dossiers/imports", Action.IMPORT_DOSSIERS),
        Call("dossier import job", "GET", f"/api/dossiers/imports/{extra.job_id}", Action.IMPORT_DOSSIERS),
        Call(
            "upload dossier file",
            "POST",
            "/api/dossiers/imports",
            Action.IMPORT_DOSSIERS,
            ok=202,
            files=upload("ho-so.csv", csv_bytes(dossier_rows())),
        ),
        Call("list indices", "GET", "/api/indices", Action.READ),
        Call(
            "enter index result",
            "PUT",
            "/api/indices/par_index/2024",
            Action.MANAGE_INDICES,
            {"score": 91.49, "rank": 4, "out_of": 63},
        ),
        Call("read index result", "GET", "/api/indices/par_index/2024", Action.READ),
        Call(
            "import index scores",
            "POST",
            "/api/indices/import",
            Action.MANAGE_INDICES,
            ok=200,
            files=upload("chi-so.csv", csv_bytes(index_rows())),
        ),
        Call("list reports", "GET", "/api/reports", Action.READ),
        Call("read report", "GET", f"/api/reports/{extra.run_id}", Action.READ),
        Call("download report", "GET", f"/api/reports/{extra.run_id}/file", Action.READ),
        Call(
            "province report",
            "POST",
            "/api/reports",
            Action.GENERATE_REPORTS,
            {"period": "2024-H1"},
            unit=PROVINCE,
            ok=202,
        ),
        Call(
            "unit A's report",
            "POST",
            "/api/reports",
            Action.GENERATE_REPORTS,
            {"period": "2024-H1", "scope_unit_id": unit_a},
            unit=unit_a,
            ok=202,
        ),
        Call(
            "issue report",
            "POST",
            f"/api/reports/{extra.run_id}/issue",
            Action.ISSUE_REPORTS,
            {
                "profile": "department",
                "number": "15",
                "issued_on": "2024-06-20",
                "signer_name": "Nguyễn Văn A",
                "placeholder_reason": "Ban hành ngay.",
            },
            ok=200,
            again=409,  # issued already: an issued report never changes
        ),
        Call("read draft", "GET", "/api/reports/drafts/2024-H1", Action.READ),
        # Each allowed writer after the first sends a version that is no longer the draft's: 412.
        Call(
            "change province draft",
            "POST",
            "/api/reports/drafts/2024-H1/changes",
            Action.GENERATE_REPORTS,
            # the draft's version after write_required's one change per required section
            {"op": "add", "section": "I", "text": "Đã ban hành kế hoạch.", "version": len(REQUIRED_SECTIONS)},
            unit=PROVINCE,
            ok=200,
            again=412,
        ),
        Call(
            "change unit A's draft",
            "POST",
            f"/api/reports/drafts/2024-H1/changes?unit_id={unit_a}",
            Action.GENERATE_REPORTS,
            {"op": "add", "section": "I", "text": "Sở đã triển khai.", "version": 0},
            unit=unit_a,
            ok=200,
            again=412,
        ),
        Call("list schedules", "GET", "/api/schedules", Action.ISSUE_REPORTS),
        Call(
            "change schedule",
            "PATCH",
            "/api/schedules/overdue-sweep",
            Action.MANAGE_SCHEDULES,
            {"cron": "0 6 * * 1-5", "enabled": True},
        ),
        Call("notifications", "GET", "/api/notifications", Action.READ),
        # Nobody has this notification (the run above made notification 1, "report ready", for
        # staff): an allowed role gets past the permission check to the lookup.
        Call("mark notification read", "POST", "/api/notifications/999999/read", Action.READ, ok=404),
        *round_calls(world, extra),
        Call("audit log", "GET", "/api/audit", Action.READ_AUDIT),
        # Last: a report's deletion (an issued one is kept for good: 409).
        Call(
            "delete report",
            "DELETE",
            f"/api/reports/{extra.unissued_run_id}",
            Action.ISSUE_REPORTS,
            again=404,
        ),
    ]


REQUIRED = {"CD01": 2, "CD02": 1, "TC01": 4}  # unit A's required figures (the default catalogue)


def round_calls(world, extra: Extra) -> list[Call]:
    """Reporting rounds: the catalogue, rounds, unit A's submission through its life (sent by
    its head, returned, sent again, accepted), unit B's form, the consolidation."""
    unit_a, round_id, sub_a, sub_b = world.unit_a, extra.round_id, extra.submission_a, extra.submission_b
    own = {"unit": unit_a, "also": Action.MANAGE_ROUNDS}  # unit A's people, and staff
    indicator = {
        "name": "Số cuộc họp",
        "section": "I",
        "measure": "number",
        "rule": "sum",
        "unit_kinds": ["department"],
    }
    return [
        Call("indicator catalogue", "GET", "/api/indicators", Action.READ),
        Call("catalogue file", "GET", "/api/indicators/export", Action.READ),
        Call(
            "put indicator", "PUT", "/api/indicators/X9", Action.MANAGE_ROUNDS, indicator, ok=201, again=200
        ),
        Call(
            "import catalogue",
            "POST",
            "/api/indicators/import",
            Action.MANAGE_ROUNDS,
            ok=200,
            files=upload(
                "chi-tieu.csv",
                csv_bytes(
                    [
                        CATALOGUE_HEADER,
                        ["X8", "Số hội nghị", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
                    ]
                ),
            ),
        ),
        Call("list rounds", "GET", "/api/rounds", Action.READ),
        Call(
            "open round",
            "POST",
            "/api/rounds",
            Action.MANAGE_ROUNDS,
            {"period": "2024-Y", "deadline": "2024-12-20"},
            again=409,
        ),
        Call("round completeness", "GET", f"/api/rounds/{round_id}", Action.READ),
        Call("consolidated figures", "GET", f"/api/rounds/{round_id}/consolidated", Action.READ),
        Call("consolidated file", "GET", f"/api/rounds/{round_id}/consolidated/export", Action.READ),
        Call(
            "unit A's submission", "GET", f"/api/rounds/{round_id}/units/{unit_a}", Action.SUBMIT_ROUND, **own
        ),
        Call("read submission", "GET", f"/api/submissions/{sub_a}", Action.SUBMIT_ROUND, **own),
        Call("submission history", "GET", f"/api/submissions/{sub_a}/history", Action.SUBMIT_ROUND, **own),
        Call("form file", "GET", f"/api/submissions/{sub_a}/form", Action.SUBMIT_ROUND, **own),
        Call(
            "evidence of a submission",
            "GET",
            f"/api/submissions/{sub_a}/files/{extra.file_a}",
            Action.SUBMIT_ROUND,
            **own,
        ),
        Call(
            "attach evidence to unit A's submission",
            "POST",
            f"/api/submissions/{sub_a}/files",
            Action.SUBMIT_ROUND,
            files=upload("anh.png", PNG),
            **own,
        ),
        Call(
            "save unit A's draft",
            "POST",
            f"/api/submissions/{sub_a}/draft",
            Action.SUBMIT_ROUND,
            {"figures": {"CD03": 1}},
            unit=unit_a,
            ok=200,
        ),
        Call(
            "save unit B's draft",
            "POST",
            f"/api/submissions/{sub_b}/draft",
            Action.SUBMIT_ROUND,
            {"figures": {"CD03": 1}},
            unit=world.unit_b,
            ok=200,
        ),
        Call(
            "upload unit A's form",
            "POST",
            f"/api/submissions/{sub_a}/form",
            Action.SUBMIT_ROUND,
            unit=unit_a,
            ok=200,
            files=upload("bao-cao.csv", csv_bytes([["Mã", "Số liệu / nội dung"], ["CD04", "2"]])),
        ),
        Call(
            "enter a figure for unit A",
            "POST",
            f"/api/submissions/{sub_a}/entries",
            Action.MANAGE_ROUNDS,
            {"indicator": "CD05", "value": 1, "note": "Theo công văn của đơn vị"},
            ok=200,
        ),
        # Sent once (the head); after that the form is read-only for the unit: 409.
        Call(
            "send unit A's submission",
            "POST",
            f"/api/submissions/{sub_a}/submit",
            Action.SUBMIT_ROUND,
            {"figures": REQUIRED},
            unit=unit_a,
            ok=200,
            again=409,
        ),
        Call(
            "return unit A's submission",
            "POST",
            f"/api/submissions/{sub_a}/return",
            Action.MANAGE_ROUNDS,
            {"comments": {"figures.CD01": "Kiểm tra lại."}},
            ok=200,
            again=409,
        ),
        Call(
            "send unit A's submission again",
            "POST",
            f"/api/submissions/{sub_a}/submit",
            Action.SUBMIT_ROUND,
            {"figures": {"CD01": 3}},
            unit=unit_a,
            ok=200,
            again=409,
        ),
        Call(
            "accept unit A's submission",
            "POST",
            f"/api/submissions/{sub_a}/accept",
            Action.MANAGE_ROUNDS,
            {},
            ok=200,
            again=409,
        ),
        Call(
            "name unit A's reporter",
            "POST",
            f"/api/units/{unit_a}/reporters",
            Action.DELEGATE_REPORTER,
            {"username": "dau-moi", "full_name": "Đầu mối", "password": PASSWORD},
            unit=unit_a,
        ),
        Call("close round", "POST", f"/api/rounds/{round_id}/close", Action.MANAGE_ROUNDS, ok=200),
    ]


def route_of(method: str, path: str, routes: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The registered route a concrete call reaches (fixed segments beat parameters)."""
    path = path.split("?")[0]
    matches = []
    for route_method, template in routes:
        pattern = re.sub(r"\{\w+:int\}", r"\\d+", re.sub(r"\{\w+:str\}", r"[^/]+", template))
        if route_method == method and re.fullmatch(pattern, path):
            matches.append((template.count("{"), (route_method, template)))
    return min(matches)[1] if matches else None


def api_routes() -> list[tuple[str, str]]:
    app = create_app(connection_pool=False)
    return [
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/api/")
        for method in route.route_handler_map
        if method not in ("HEAD", "OPTIONS")
    ]


def test_every_api_route_is_in_the_matrix_and_every_action_is_tried():
    person = SimpleNamespace(account_id=1)
    world = SimpleNamespace(plan_id=1, task_a=1, task_b=2, unit_a=1, unit_b=2, viewer=person)
    every = calls(world, Extra(1, 1, 1, 1, 1, 1, 2))
    routes = api_routes()
    covered = {route_of(call.method, call.path, routes) for call in every}
    assert None not in covered
    assert set(routes) - covered - SELF_SERVICE == set(), "API routes no call in the matrix test tries"
    assert {call.action for call in every} == set(Action), "actions the matrix test never tries"


async def test_role_matrix(client, world, callers, extra):
    for call in calls(world, extra):
        allowed = call.allowed(world)
        succeeded = False
        for role in ROLES:
            response = await client.request(
                call.method, call.path, json=call.json, files=call.files, headers=callers[role]
            )
            what = (call.name, role, response.status_code, response.text[:300])
            if role in allowed:
                expected = call.again if succeeded and call.again else call.success
                assert response.status_code == expected, what
                succeeded = True
            else:
                assert response.status_code == 403, what
                assert response.headers["content-type"].startswith("application/problem+json")
            if call.undo and response.status_code < 400:  # the next role finds the state as it was
                restored = await client.post(call.path, json=call.undo, headers=callers["admin"])
                assert restored.status_code < 400, restored.text
            # A create that succeeded would clash with the next role's: give each its own code.
            if role in allowed and call.json and response.status_code in (200, 201):
                if "code" in call.json:
                    call.json = {**call.json, "code": call.json["code"] + role[:2].upper()}
                if "username" in call.json:
                    call.json = {**call.json, "username": call.json["username"] + role}
    await background_idle()


async def test_without_credentials_every_protected_route_is_401(client, world, extra):
    for call in calls(world, extra):
        response = await client.request(call.method, call.path, json=call.json, files=call.files)
        assert response.status_code == 401, (call.method, call.path)
    assert (await client.get("/healthz")).status_code == 200


async def test_a_temporary_password_session_is_refused_every_route_but_its_own_account(client, world, extra):
    """An administrator's session, while its password is a temporary one someone else set, gets
    a 403 naming the password from every route in the matrix but "who am I" (the password
    change and sign-out are tests.api.test_auth's)."""
    await create_account_unchecked(
        AccountData("tam", "Tạm Thời", "admin", None, PASSWORD, temporary_password=True)
    )
    token = (await client.post("/api/auth/login", json={"username": "tam", "password": PASSWORD})).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    for call in calls(world, extra):
        response = await client.request(
            call.method, call.path, json=call.json, files=call.files, headers=bearer
        )
        if call.path == "/api/auth/me":
            assert response.status_code == 200, response.text
            continue
        assert response.status_code == 403, (call.name, response.status_code, response.text[:300])
        assert response.json()["errors"][0]["field"] == "password", call.name
