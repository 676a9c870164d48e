"""Who may open the dashboard, and headers that keep untrusted report text inert.

On a loopback address nobody else can reach the server and no token is needed. On any other
address ``crosswire serve`` refuses to start without a token, and the app then asks for it on every
request: ``Authorization: Bearer TOKEN``, ``X-Crosswire-Token: TOKEN``, or ``?token=TOKEN`` once,
which sets an HttpOnly cookie and redirects to the same page without the token in its address.
That redirect is always to a path of this server: leading slashes and backslashes are collapsed, so
``//evil.example/x?token=...`` cannot send the browser to another host (an open redirect). Every
response, the 401 and the 303 included, carries the headers below (``secure_headers`` is the
outermost middleware).
"""
from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

COOKIE = "crosswire_token"
HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

Next = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach."""
    if host.strip("[]").lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return (request.headers.get("x-crosswire-token") or request.query_params.get("token")
            or request.cookies.get(COOKIE))


def token_guard(token: str) -> Callable[[Request, Next], Awaitable[Response]]:
    """Middleware that lets a request through only with the right token."""
    async def guard(request: Request, call_next: Next) -> Response:
        given = presented_token(request)
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            return _denied(request)
        if "token" in request.query_params:  # trade the token in the address for a cookie
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response: Response = RedirectResponse(local_path(request.url.path) + (f"?{query}" if query else ""), 303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return response
        return await call_next(request)
    return guard


def local_path(path: str) -> str:
    """``path`` as a redirect target on this server: one leading slash (``//host`` and ``/\\host`` are
    addresses of other hosts to a browser), and every character that is not plain path syntax escaped."""
    return "/" + quote(path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~%")


def _denied(request: Request) -> Response:
    message = "a token is required: send 'Authorization: Bearer TOKEN' or open this address with ?token=TOKEN"
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse({"error": "unauthorized", "detail": message}, status_code=401)
    return PlainTextResponse(message, status_code=401)


async def secure_headers(request: Request, call_next: Next) -> Any:
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
