"""Schemathesis against the app's own OpenAPI document, in process, as each role.

Every operation of ``/schema/openapi.json`` gets requests generated from the document, valid
ones and invalid ones (Schemathesis' positive and negative modes), sent through the ASGI app
with a caller's credentials: a bearer token for each person's role, the integration's API key.
Each response is checked: never a 5xx; the status code, content type and body as the document
declares them; every 4xx a problem-details body (``application/problem+json`` with title,
status and detail).

The app runs in Schemathesis' event-loop thread (its lifespan opens the PostgreSQL pool there),
so everything that touches the database during a run goes through that loop too.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core import background
from models.accounts.service import create_api_key, sign_in, update_account
from models.vocabulary import Role
from tests.bench.results import record_section
from tests.world import PASSWORD, World, make_account

PROBLEM_JSON = "application/problem+json"
# Operations on the caller's own session: each request is followed by a fresh sign-in.
SESSION_OPERATIONS = {("POST", "/api/auth/logout"), ("POST", "/api/auth/password")}
# Operations that may take a caller's credential away (deactivate, demote, set a password,
# revoke a key): the credentials are checked after them.
ACCOUNT_PATHS = ("/api/users", "/api/api-keys")
PEOPLE = {"admin": "admin", "home_affairs": "staff", "unit_head": "head_a", "viewer": "viewer"}
ROLES = (*PEOPLE, "integration")
CREDENTIAL_HEADERS = {"authorization", "x-api-key", "cookie"}


def problem_details(ctx, response, case) -> None:
    """Every 4xx and 5xx is RFC 9457 problem details carrying the status it was sent with."""
    if response.status_code < 400:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith(PROBLEM_JSON), f"{response.status_code} sent as {content_type!r}"
    body = response.json()
    assert isinstance(body, dict), body
    missing = {"title", "status", "detail"} - body.keys()
    assert not missing, f"problem body without {sorted(missing)}: {body}"
    assert body["status"] == response.status_code, body


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_details,
]


class Callers:
    """Each role's credential. A generated request may validly take one away (an admin
    deactivating or demoting an account, revoking an API key, signing out): ``renew`` restores
    the account and issues a new one."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.headers: dict[str, dict[str, str]] = {}
        self.machine_id = 0

    async def sign_in_all(self) -> Callers:
        self.machine_id = (await make_account("motcua", Role.INTEGRATION)).account_id
        key, _ = await create_api_key(self.world.admin, self.machine_id, "Hệ thống một cửa")
        self.headers["integration"] = {"X-API-Key": key}
        for role, username in PEOPLE.items():
            token, _ = await sign_in(username, PASSWORD)
            self.headers[role] = {"Authorization": f"Bearer {token}"}
        return self

    async def renew(self, role: str) -> None:
        admin = self.world.admin
        if role == "integration":
            await update_account(admin, self.machine_id, role=Role.INTEGRATION.value, active=True)
            key, _ = await create_api_key(admin, self.machine_id, "Hệ thống một cửa")
            self.headers[role] = {"X-API-Key": key}
            return
        person = getattr(self.world, PEOPLE[role])
        await update_account(
            admin, person.account_id, role=person.role.value, unit_id=person.unit_id, active=True
        )
        # A generated PATCH may have set a password: put the known one back.
        await update_account(admin, person.account_id, password=PASSWORD)
        token, _ = await sign_in(person.username, PASSWORD)
        self.headers[role] = {"Authorization": f"Bearer {token}"}


@dataclass
class FuzzResult:
    max_examples: int
    every_role: bool
    generated: int = 0  # distinct generated requests
    cases: Counter = field(default_factory=Counter)  # requests sent and checked, by role
    statuses: Counter = field(default_factory=Counter)
    unauthorised: Counter = field(default_factory=Counter)  # 401s, by operation
    operations: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "operations": self.operations,
            "max_examples_per_operation": self.max_examples,
            "each_request_sent_as": "every role" if self.every_role else "one role in turn",
            "generated": self.generated,
            "cases_by_role": dict(sorted(self.cases.items())),
            "cases": sum(self.cases.values()),
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
            "refused_401_by_operation": dict(self.unauthorised.most_common(5)),
            "failures": len(self.failures),
            "seconds": round(self.seconds, 1),
        }


class Fuzzer:
    def __init__(self, app, callers: Callers, max_examples: int, *, every_role: bool, seed: int | None):
        self.app = app
        self.callers = callers
        self.result = FuzzResult(max_examples, every_role)
        self.settings = hypothesis.settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=seed is not None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            report_multiple_bugs=False,
        )

    def renew(self, role: str) -> None:
        # Schemathesis runs the app in its own event loop; the database is used from there.
        asgi._get_portal().call(self.callers.renew, role)

    def roles_for(self, number: int) -> list[str]:
        return list(ROLES) if self.result.every_role else [ROLES[number % len(ROLES)]]

    def send(self, case, role: str, session: bool) -> None:
        # Schemathesis also generates the security schemes' headers: the caller's own are sent
        # instead (a generated bearer token would outrank the integration's API key).
        for name in [name for name in case.headers or {} if name.lower() in CREDENTIAL_HEADERS]:
            del case.headers[name]
        try:
            response = case.call(headers=dict(self.callers.headers[role]))
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError):
            hypothesis.reject()  # the client library could not even send it
        if session:
            self.renew(role)
        self.result.cases[role] += 1
        self.result.statuses[response.status_code] += 1
        if response.status_code == 401:
            self.result.unauthorised[case.operation.label] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:
            exc.add_note(f"sent as {role}")
            raise

    def test_operation(self, operation) -> None:
        session = (operation.method.upper(), operation.path) in SESSION_OPERATIONS
        strategy = strategies.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @self.settings
        @hypothesis.given(case=strategy)
        def run(case) -> None:
            self.result.generated += 1
            for role in self.roles_for(self.result.generated):
                self.send(case, role, session)

        run()

    def run(self) -> FuzzResult:
        started = time.perf_counter()
        schema = schemathesis.openapi.from_asgi("/schema/openapi.json", self.app)
        with asgi.get_client(self.app) as client:
            for item in schema.get_all_operations():
                operation = item.ok()
                self.result.operations += 1
                try:
                    self.test_operation(operation)
                except (Exception, BaseExceptionGroup) as exc:  # one per operation, all reported
                    notes = "\n".join(getattr(exc, "__notes__", []))
                    self.result.failures.append(f"{operation.label} ({notes}): {exc}")
                wait_for_background()
                if operation.method.upper() != "GET" and operation.path.startswith(ACCOUNT_PATHS):
                    for role, headers in list(self.callers.headers.items()):
                        if client.get("/api/auth/me", headers=headers).status_code != 200:
                            self.renew(role)
        self.result.seconds = time.perf_counter() - started
        return self.result


def wait_for_background(timeout: float = 120.0) -> None:
    """Let the report runs and import jobs that requests started finish before the tables go."""
    deadline = time.monotonic() + timeout
    while background._running:
        assert time.monotonic() < deadline, f"background work still running after {timeout:g} s"
        time.sleep(0.05)


def record(engine: str, result: FuzzResult) -> None:
    """Merge this run's figures into tests/bench/results.json under "schemathesis", dated per
    engine; only ``make check`` asks for it (CCHC_RECORD_RESULTS=1), so a test run leaves the
    tree clean."""
    if os.environ.get("CCHC_RECORD_RESULTS") == "1":
        record_section(
            "schemathesis", {"checks": [check.__name__ for check in CHECKS], engine: result.summary()}
        )
