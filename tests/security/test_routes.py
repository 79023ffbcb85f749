"""Every route of the app, without credentials, is refused, except the few public ones listed
here: the API with a 401 problem, a web page with a redirect to the sign-in page."""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute

from api.app import create_app

pytestmark = pytest.mark.anyio

# (method, route path) that answer a stranger: liveness, signing in, the sign-in page's
# assets, the API's own description, and the error pages' menu (to a stranger, only the link
# to sign in: tests/api/web/test_web_tasks.py).
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/header-menu"),
    ("POST", "/api/auth/login"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/static/{file_path:path}"),
    ("GET", "/schema"),
    ("GET", "/schema/swagger"),
    ("GET", "/schema/openapi.json"),
    ("GET", "/schema/oauth2-redirect.html"),
    ("GET", "/schema/{path:str}"),
}
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def every_route() -> list[tuple[str, str]]:
    """(method, route path) of every handler the app serves, as Litestar registered them."""
    app = create_app(connection_pool=False)
    found = []
    for route in app.routes:
        assert isinstance(route, HTTPRoute), f"a route of another kind: {route.path}"
        for method in route.route_handler_map:
            if method not in ("HEAD", "OPTIONS"):
                found.append((method, route.path))
    return sorted(found)


def concrete(path: str, world) -> str:
    """The route's path with its parameters filled with records the world has."""
    values = {
        "task_id": world.task_a,
        "plan_id": world.plan_id,
        "unit_id": world.unit_a,
        "account_id": world.viewer.account_id,
        "kind": "par_index",
        "year": 2024,
        "period": "2024-H1",
        "key": "report_h1",
        "file_path": "app.css",
    }

    def fill(match: re.Match) -> str:
        return str(values.get(match.group(1), 1))

    return re.sub(r"\{(\w+):\w+\}", fill, path)


def test_the_public_list_names_real_routes():
    assert set(every_route()) >= PUBLIC


async def test_without_credentials_every_route_but_the_public_ones_is_refused(client, world):
    # A browser's form would carry the CSRF token: send it, so the refusal seen is the sign-in's.
    token = CSRF_INPUT.search((await client.get("/login")).text).group(1)
    routes = every_route()
    assert len(routes) > 80
    refused = 0
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        url = concrete(path, world)
        if path.startswith("/api/"):
            response = await client.request(method, url, json={})
            assert response.status_code == 401, (method, path, response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.headers["www-authenticate"].startswith("Bearer")
        else:
            form = {"_csrf_token": token} if method != "GET" else None
            response = await client.request(method, url, data=form, follow_redirects=False)
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login"), (method, path)
        refused += 1
    assert refused == len(routes) - len(PUBLIC)


async def test_a_stranger_learns_nothing_from_a_malformed_request(client, world):
    """Authentication comes before the parameters: a request missing a required parameter, or
    with a wrong one, is refused the same way as a correct one."""
    for url in (
        f"/api/plans/{world.plan_id}/changes",  # `since` missing
        "/api/dossiers/stats?from=nonsense",
        "/api/units?limit=0",
        "/api/plans/abc",  # no such route for a non-integer id: 404 whoever asks
    ):
        response = await client.get(url)
        assert response.status_code in (401, 404), (url, response.status_code)
        assert response.status_code == 401 or url.endswith("/abc")
    assert (await client.get("/reports/drafts", follow_redirects=False)).status_code == 303


async def test_a_forged_or_revoked_credential_is_a_stranger(client, world, headers):
    for forged in (
        {"Authorization": "Bearer " + "A" * 43},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"X-API-Key": "not-a-key"},
        {"Cookie": "cchc_session=forged"},
    ):
        response = await client.get("/api/units", headers=forged)
        assert response.status_code == 401, forged
    await client.post("/api/auth/logout", headers=headers["viewer"])
    assert (await client.get("/api/units", headers=headers["viewer"])).status_code == 401
