"""Who may do what: the one place that maps roles to actions.

Unit-scoped rules (a unit head acts only on tasks their unit leads, a unit head or reporter
only on their unit's round submission) live beside the actions they refine in
models.plans.tasks and models.rounds.submissions; this table says which roles may attempt an action at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from models.vocabulary import Role


class Action(StrEnum):
    READ = "read"  # units, plans, tasks, history, evidence, summaries
    MANAGE_UNITS = "manage_units"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_PLANS = "manage_plans"  # plans, task definitions, plan import
    MANAGE_PROCEDURES = "manage_procedures"  # the procedure catalogue and its import
    REPORT_PROGRESS = "report_progress"  # status/progress updates and evidence uploads
    REOPEN_TASK = "reopen_task"  # re-open a completed task, cancel or restore one
    IMPORT_DOSSIERS = "import_dossiers"  # bulk dossier files and their import jobs
    INGEST_DOSSIERS = "ingest_dossiers"  # the one-stop system pushing dossier records
    MANAGE_INDICES = "manage_indices"  # PAR INDEX / SIPAS / PAPI / PCI scores and targets
    GENERATE_REPORTS = "generate_reports"  # request report runs, write drafts (unit heads: own unit)
    ISSUE_REPORTS = "issue_reports"  # issue any report, delete versions (a unit head issues their own unit's: reports.runs.may_write)
    MANAGE_SCHEDULES = "manage_schedules"
    MANAGE_ROUNDS = "manage_rounds"  # the indicator catalogue, opening rounds, reviewing submissions
    SUBMIT_ROUND = "submit_round"  # fill and send the unit's own submission (models.rounds)
    DELEGATE_REPORTER = "delegate_reporter"  # a unit head names the unit's reporter account
    READ_AUDIT = "read_audit"


ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.HOME_AFFAIRS})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: ALL_ROLES,
    Action.MANAGE_UNITS: frozenset({Role.ADMIN}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Action.MANAGE_PLANS: STAFF,
    Action.MANAGE_PROCEDURES: STAFF,
    Action.REPORT_PROGRESS: STAFF | {Role.UNIT_HEAD},
    Action.REOPEN_TASK: STAFF,
    Action.IMPORT_DOSSIERS: STAFF,
    Action.INGEST_DOSSIERS: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Action.MANAGE_INDICES: STAFF,
    Action.GENERATE_REPORTS: STAFF | {Role.UNIT_HEAD},
    Action.ISSUE_REPORTS: STAFF,
    Action.MANAGE_SCHEDULES: frozenset({Role.ADMIN}),
    Action.MANAGE_ROUNDS: STAFF,
    Action.SUBMIT_ROUND: frozenset({Role.UNIT_HEAD, Role.REPORTER}),
    Action.DELEGATE_REPORTER: frozenset({Role.ADMIN, Role.UNIT_HEAD}),
    Action.READ_AUDIT: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as the domain functions see it."""

    account_id: int
    username: str
    role: Role
    unit_id: int | None = None
    credential_id: int | None = None
    signed_in: bool = False  # the credential is a session token (not an API key)
    must_change_password: bool = False  # signed in with a temporary password

    def can(self, action: Action) -> bool:
        return self.role in PERMISSIONS[action]

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise PermissionDenied(f"role {self.role.value!r} may not {action.value}")
