"""The Vietnamese web interface: server-rendered pages (Jinja2) with HTMX, beside the JSON API.

``api.app`` mounts ``routes()`` and passes ``template_config()`` and ``csrf_config()`` to the
app. Forms carry a CSRF token (Litestar's double-submit cookie); the JSON API under /api keeps
working without one (bearer tokens and API keys are not sent by browsers on their own; the
session cookie is SameSite=Lax, so other sites' forms do not carry it).
"""

from __future__ import annotations

import hashlib
import hmac

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar_htmx import HTMXRequest

from api.web.admin import AdminPlansController, AdminUnitsController, AdminUsersController
from api.web.auth import SignInController, temporary_password_gate
from api.web.common import EXCEPTION_HANDLERS, STATIC, environment, page_or_problem
from api.web.dashboard import DashboardController
from api.web.dossiers import DossierPagesController
from api.web.notifications import NotificationPagesController
from api.web.plans import PlanPagesController
from api.web.reports import ReportPagesController
from api.web.rounds import RoundPagesController
from api.web.schedules import SchedulePagesController
from api.web.service_index import ServiceIndexPagesController
from api.web.tasks import TaskPagesController

CSRF_COOKIE = "cchc_csrf"
CSRF_EXEMPT = ["^/api/", "^/healthz$", "^/schema"]
SECURITY_HEADERS = [
    ResponseHeader(
        name="Content-Security-Policy",
        value="default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="Cache-Control", value="private, no-cache"),
]


def routes() -> list:
    pages = Router(
        "/",
        route_handlers=[
            SignInController,
            DashboardController,
            TaskPagesController,
            PlanPagesController,
            DossierPagesController,
            ServiceIndexPagesController,
            ReportPagesController,
            RoundPagesController,
            NotificationPagesController,
            SchedulePagesController,
            AdminUsersController,
            AdminUnitsController,
            AdminPlansController,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=temporary_password_gate,
        request_class=HTMXRequest,
        include_in_schema=False,
        response_headers=SECURITY_HEADERS,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=86400),
        include_in_schema=False,
    )
    return [pages, static]


def with_pages(api_handlers: dict) -> dict:
    """The app's exception handlers with browsers shown pages for addresses no route took."""
    return api_handlers | {HTTPException: page_or_problem(api_handlers[HTTPException])}


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def csrf_config(secret_key: str) -> CSRFConfig:
    return CSRFConfig(
        secret=hmac.new(secret_key.encode(), b"cchc-csrf", hashlib.sha256).hexdigest(),
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXEMPT,
    )
