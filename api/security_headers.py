"""Security headers on every response, the API's and the pages', errors and 404s included.

A ``before_send`` hook (Litestar runs it for each message the app sends, also for requests no
route matched), so nothing escapes it. Headers a response already carries are kept: the web
pages send their own, stricter Content-Security-Policy (api.web).

- ``X-Content-Type-Options: nosniff``: a browser never guesses a type (an uploaded file served
  as evidence stays the type the server says);
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: no page of ours inside another
  site's frame (clickjacking);
- ``Referrer-Policy: same-origin``: addresses (with their ids and filters) stay on the site;
- anything but HTML gets ``default-src 'none'``: a JSON body or a downloaded file opened in a
  browser runs nothing. (HTML without its own policy, Swagger UI, loads its scripts.)
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
CSP_HTML = "frame-ancestors 'none'"
CSP_OTHER = "default-src 'none'; frame-ancestors 'none'"


async def security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in HEADERS.items():
        if name not in headers:
            headers[name] = value
    if "Content-Security-Policy" not in headers:
        html = (headers.get("Content-Type") or "").startswith("text/html")
        headers["Content-Security-Policy"] = CSP_HTML if html else CSP_OTHER
