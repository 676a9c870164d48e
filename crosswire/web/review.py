"""The review pages: one claim, with a form that corrects or dismisses it (``/claims/{id}``).

    GET  /claims/85                 the claim: fields, what extraction said, sentence, report, statements,
                                    series, review history, and the form
    POST /claims/85/review          the form: 303 back to the claim; 400 with the message on bad input
    GET  /api/claims/85             the same claim as JSON

Writes pass the app's rules like every request (the token off loopback, the Host check on loopback) and
one more: a POST must come from a page of this server. A browser sends ``Origin`` (and ``Sec-Fetch-Site``)
with a form; a form posted from another site is refused (403), so a page elsewhere cannot make the
dashboard on 127.0.0.1 change the ledger (cross-site request forgery).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from ..checks import measures
from ..errors import SettingsError
from ..review import FIELDS, default_analyst, qualifiers

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api")
MAX_FORM = 20_000  # bytes of a review form
FORM_TYPE = "application/x-www-form-urlencoded"


def same_origin(request: Request) -> bool:
    """Whether a write comes from a page of this server (by ``Sec-Fetch-Site``, else ``Origin``, else
    ``Referer``); a request with none of them (curl, a script) is let through, as the token rules allow."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()


def _engine(request: Request) -> Any:
    return request.app.state.engine


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: str) -> HTMLResponse:
    c = _engine(request).claim(claim_id)
    tpl = request.app.state.templates
    return tpl.TemplateResponse(request, "claim.html", {  # type: ignore[no-any-return]
        "c": c, "fields": FIELDS, "measures": measures(_engine(request).resources.claims_vocab), "qualifiers": qualifiers(), "analyst": default_analyst(),
        "sentence": _sentence_parts(c), "shown": shown})


def _sentence_parts(c: dict[str, Any]) -> tuple[str, str, str]:
    """The claim's sentence split around its figure (before, figure, after) for highlighting."""
    sentence, span = c.get("sentence") or "", c.get("span") or ""
    at = sentence.find(span) if span else -1
    if at < 0:
        return sentence, "", ""
    return sentence[:at], span, sentence[at + len(span):]


@router.post("/claims/{claim_id}/review")
async def review(request: Request, claim_id: str) -> Response:
    if not same_origin(request):
        return PlainTextResponse("a review must be sent from a page of this dashboard", status_code=403)
    body = await request.body()
    if len(body) > MAX_FORM:
        return PlainTextResponse(f"a review form of {len(body)} bytes; at most {MAX_FORM}", status_code=413)
    if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
        return PlainTextResponse(f"a review is sent as {FORM_TYPE} (an HTML form)", status_code=415)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=100)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"cannot read the review form: {exc}") from None
    form = {k: v for k, v in pairs if k != "unset"}
    engine = _engine(request)
    current = engine.claim(claim_id)
    changes, unset = form_changes(form, current, [v for k, v in pairs if k == "unset"])
    action = form.get("action") or "save"
    if action not in ("save", "dismiss", "restore"):
        raise SettingsError(f"unknown action {action!r}; the actions are: save, dismiss, restore")
    dismiss = True if action == "dismiss" else False if action == "restore" else None
    engine.review_claim(current["id"], changes, unset, dismiss, form.get("reason") or None,
                        form.get("analyst", "").strip() or default_analyst())
    return RedirectResponse(f"/claims/{current['id']}", status_code=303)


def form_changes(form: dict[str, str], current: dict[str, Any], unset: list[str]) -> tuple[dict[str, str], list[str]]:
    """The fields a form changes: those sent with a value other than the claim's (an empty box changes
    nothing); ``unset`` boxes return a field to what extraction said. Unknown names are passed on, so the
    engine answers with the list of fields."""
    changes: dict[str, str] = {}
    for name, value in form.items():
        if not name.startswith("f_"):
            continue
        field = name[2:]
        text = value.strip()
        if text and text != shown(current.get(field), field) and field not in unset:
            changes[field] = text
    return changes, unset


def shown(value: Any, field: str) -> str:
    """A field's value as the form shows it."""
    if value is None:
        return ""
    if field == "conditional":
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@api_router.get("/claims/{claim_id}", summary="One claim: every field, what extraction said of each reviewed "
                                              "field, its sentence, report, statements, series and reviews")
def api_claim(request: Request, claim_id: str) -> dict[str, Any]:
    return _engine(request).claim(claim_id)  # type: ignore[no-any-return]
