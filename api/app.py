"""The Litestar application: controllers, authentication dependency, errors, OpenAPI.

Built by ``create_app()``, never at import time: ``cchc serve`` and the tests' servers run
``uvicorn --factory api.app:create_app``, the test clients call it with their engine.

Permissions have one style: the domain functions (and, where a handler only reads,
the handler) call ``Principal.require`` from models.permissions, which the web pages use
too. Authentication is the app-wide guard ``require_credential`` rather than Litestar's
AbstractAuthenticationMiddleware: the guard protects exactly the handlers that take the
caller, so there is no list of excluded paths to keep in step with the routes.
"""

from __future__ import annotations

from litestar import Litestar, get
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from piccolo.engine.base import Engine

from api.accounts import AccountController, ApiKeyController, ReporterController
from api.audit import AuditController, audit_middleware
from api.auth import AuthController
from api.dossiers import DossierController, DossierImportController
from api.errors import EXCEPTION_HANDLERS
from api.indices import IndexController
from api.openapi_problems import ProblemResponses
from api.plans import PlanController
from api.procedures import ProcedureController
from api.reports import ReportController
from api.request_checks import refuse_control_characters, require_declared_body_type
from api.rounds import IndicatorController, RoundController, SubmissionController
from api.schedules import NotificationController, ScheduleController
from api.security import SECURITY_COMPONENTS, provide_principal, require_credential
from api.security_headers import security_headers
from api.service_index import ServiceIndexController
from api.tasks import EvidenceController, TaskController
from api.unavailable import UNAVAILABLE_HANDLERS
from api.units import UnitController
from api.web import csrf_config, routes, template_config, with_pages
from core.db import close_engine, engine_from_url, start_pool
from core.settings import get_settings
from models.dossiers.import_jobs import fail_interrupted_jobs
from models.plans.tables import Task
from piccolo_app import use_engine
from reports.pdf import stop_conversions
from reports.runs import resume_runs
from scheduler.jobs import ensure_default_schedules


@get("/healthz", tags=["health"], summary="Liveness: answers without touching the database")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def open_pool() -> None:
    await start_pool(Task._meta.db)


async def close_pool() -> None:
    await close_engine(Task._meta.db)


_in_process_scheduler: list = []


async def start_scheduler() -> None:
    """SCHEDULER_IN_API (true unless set otherwise): run the scheduler in this process."""
    from scheduler.service import SchedulerService

    service = SchedulerService(embedded=True)
    await service.start()
    _in_process_scheduler.append(service)


async def stop_scheduler() -> None:
    while _in_process_scheduler:
        await _in_process_scheduler.pop().stop()


async def recover() -> None:
    """Work a previous process left unfinished: imports are failed (nothing of them was
    written), report runs are generated again. The default schedules are made here too, so
    that the pages and the API only read them."""
    await fail_interrupted_jobs()
    await resume_runs()
    await ensure_default_schedules()


def create_app(engine: Engine | None = None, *, connection_pool: bool = True) -> Litestar:
    """The app on ``engine`` (by default the one DATABASE_URL names).

    Tests that share an engine between the test client's event loop and their own pass
    ``connection_pool=False``: a PostgreSQL pool belongs to the loop that opened it.
    """
    settings = get_settings()
    use_engine(engine or engine_from_url(settings.database_url))
    scheduler_hooks = [start_scheduler, stop_scheduler] if settings.scheduler_in_api else []
    return Litestar(
        route_handlers=[
            healthz,
            AuthController,
            UnitController,
            AccountController,
            ApiKeyController,
            ReporterController,
            PlanController,
            TaskController,
            EvidenceController,
            ProcedureController,
            IndexController,
            DossierController,
            DossierImportController,
            ServiceIndexController,
            ReportController,
            IndicatorController,
            RoundController,
            SubmissionController,
            ScheduleController,
            NotificationController,
            AuditController,
            *routes(),
        ],
        middleware=[refuse_control_characters, audit_middleware],
        dependencies={"principal": Provide(provide_principal)},
        guards=[require_credential, require_declared_body_type],
        exception_handlers=with_pages({**EXCEPTION_HANDLERS, **UNAVAILABLE_HANDLERS}),
        template_config=template_config(),
        csrf_config=csrf_config(settings.secret_key),
        # One API process per database: at start-up, an import job still marked running was
        # cut off by the previous process's end.
        on_startup=[open_pool, recover, *scheduler_hooks[:1]] if connection_pool else [recover],
        # A report's PDF conversion runs in a process group of its own: stopped with this one.
        on_shutdown=[stop_conversions, *([*scheduler_hooks[1:], close_pool] if connection_pool else [])],
        request_max_body_size=settings.evidence_max_bytes + 1024 * 1024,
        plugins=[ProblemResponses()],
        before_send=[security_headers],
        openapi_config=OpenAPIConfig(
            title="CCHC Tracker API",
            version="0.1.0",
            description="Administrative-reform plan tracking for a provincial Department of Home Affairs.",
            path="/schema",
            components=SECURITY_COMPONENTS,
            render_plugins=[SwaggerRenderPlugin()],
        ),
    )
