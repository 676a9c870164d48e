"""The JSON API: one function per view, shared with the HTML pages, and its routes under /api."""
from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import TypeAdapter
from fastapi.responses import Response

from ..engine import Crosswire
from ..fuse.ranking import ranked
from . import queries
from ..store import DocFilter
from ..store.rows import SearchPage

router = APIRouter(prefix="/api", tags=["api"])
_JSON = TypeAdapter(dict[str, Any])  # how FastAPI serializes a route's dict answer
_MARK = f"crosswire-figures-{secrets.token_hex(16)}"  # stands for a part serialized apart (no text can guess it)
_MARK_JSON = TypeAdapter(str).dump_json(_MARK)
Limit = Query(50, ge=1, le=500, description="Page size.")
Offset = Query(0, ge=0, le=10_000_000, description="Rows to skip.")


def views_of(request: Request) -> Crosswire:
    """The app's engine (every route reads through it)."""
    return request.app.state.engine  # type: ignore[no-any-return]


def page(items: list[Any], limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit], **extra}


def _matches(text: str | None, needle: str | None) -> bool:
    return not needle or needle.lower() in (text or "").lower()


# -- data functions (the pages call these too) ------------------------------------------------
def documents_data(v: Crosswire, flt: DocFilter, limit: int, offset: int) -> dict[str, Any]:
    return {"total": v.count_documents(flt), "limit": limit, "offset": offset,
            "items": v.page_documents(flt, limit, offset), "facets": v.facets()}


def document_data(v: Crosswire, doc_id: str) -> dict[str, Any]:
    return v.document(doc_id)


def search_data(v: Crosswire, q: str, limit: int, offset: int) -> SearchPage:
    return queries.search(v, q, limit, offset)


def figures_data(v: Crosswire, measure: str | None, subject: str | None, since: str | None, until: str | None,
                 include_conditional: bool, q: str | None, limit: int, offset: int,
                 points: bool = False) -> dict[str, Any]:
    out = page(ranked_figures(v, measure, subject, since, until, include_conditional, q), limit, offset)
    if not points:
        out["items"] = [{k: val for k, val in s.items() if k != "points"} for s in out["items"]]
    return out


def ranked_figures(v: Crosswire, measure: str | None = None, subject: str | None = None, since: str | None = None,
                   until: str | None = None, include_conditional: bool = False,
                   q: str | None = None) -> list[dict[str, Any]]:
    """The series summaries in ranking order (``ranked``), those matching ``q``; ranked once per fusion state."""
    def rows() -> list[dict[str, Any]]:
        found = v.figures(measure, subject, since, until, include_conditional)
        if q:
            found = [s for s in found if _matches(" ".join(str(s.get(k) or "") for k in KEYS), q)]
        return ranked(found)

    return v.fused(("ranked-figures", measure, subject, since, until, include_conditional, q), rows, remake=True)


KEYS = ("label", "measure", "subject", "scope")  # what the figures' search box matches


def conflicts_data(v: Crosswire, limit: int, offset: int, series: str | None = None) -> dict[str, Any]:
    rows = v.conflicts()
    if series:
        rows = v.cached(("conflicts", series), lambda: [c for c in rows if c.get("series_id") == series])
    return page(rows, limit, offset, series=series)


def entities_data(v: Crosswire, type_: str | None, q: str | None, limit: int, offset: int) -> dict[str, Any]:
    return page(v.entities(type=type_ or None, query=q or None), limit, offset)


def entity_data(v: Crosswire, entity_id: str, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    """One entity; with ``limit``, its claims, quotes and reports are paged (totals in n_claims etc.)."""
    e = v.entity(entity_id)
    if limit is None:
        return e
    out = dict(e)
    for key in ("claims", "quotes", "doc_ids", "co_occurring"):
        items = e.get(key) or []
        out[key] = items[offset:offset + limit]
        out[f"total_{key}"] = len(items)
    out["total_claims"] = e.get("n_claims", out["total_claims"])  # all claims, not only the listed ones
    return out


def timeline_data(v: Crosswire, since: str | None, until: str | None, q: str | None, limit: int,
                  offset: int) -> dict[str, Any]:
    since, until, q = since or None, until or None, q or None
    rows = v.timeline(since, until)
    if q:
        rows = v.cached(("timeline", since, until, q), lambda: [e for e in rows if _matches(e.get("text"), q)])
    return page(rows, limit, offset)


def overview_data(v: Crosswire) -> dict[str, Any]:
    top = ranked_figures(v)[:8]
    return {"counts": v.counts(), "latest": v.page_documents(DocFilter(), 8, 0), "conflicts": len(v.conflicts()),
            "figures": [{k: val for k, val in s.items() if k != "points"} for s in top]}


# -- routes ------------------------------------------------------------------------------------
@router.get("/status", summary="Whether fusion's answers are current or the previous ones while a build runs")
def api_status(request: Request) -> dict[str, Any]:
    return {"fusion": views_of(request).fusion_status()}


@router.get("/overview", summary="Counts, the most-reported figures and the latest reports")
def api_overview(request: Request) -> dict[str, Any]:
    return overview_data(views_of(request))



@router.get("/documents", summary="Reports, newest first, filtered by date, publisher and language")
def api_documents(request: Request, since: str | None = None, until: str | None = None,
                  publisher: str | None = None, language: str | None = None, limit: int = Limit,
                  offset: int = Offset) -> dict[str, Any]:
    flt = DocFilter(since or None, until or None, publisher or None, language or None)
    return documents_data(views_of(request), flt, limit, offset)


@router.get("/document/{doc_id}", summary="One report: metadata, clean text, removed lines and its records")
def api_document(request: Request, doc_id: str) -> dict[str, Any]:
    return document_data(views_of(request), doc_id)


@router.get("/document/{doc_id}/raw", summary="The report's bytes exactly as received (a download)",
            response_class=Response)
def api_document_raw(request: Request, doc_id: str) -> Response:
    orig = views_of(request).original(doc_id)
    return Response(orig["raw"] or b"", media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{orig["id"][:16]}.raw"'})


@router.get("/search", summary="Full-text search over titles and clean text (words only, no operators)")
def api_search(request: Request, q: str = Query("", max_length=500), limit: int = Query(20, ge=1, le=200),
               offset: int = Offset) -> dict[str, Any]:
    return dict(search_data(views_of(request), q, limit, offset))


@router.get("/figures", summary="Estimate series (key figures first: tracked measures, then by independent sources"
                                 " and claims), with ranges and sources")
def api_figures(request: Request, measure: str | None = None, subject: str | None = None,
                since: str | None = None, until: str | None = None, include_conditional: bool = False,
                q: str | None = None, points: bool = Query(False, description="Include every claim."),
                limit: int = Limit, offset: int = Offset) -> Response:
    # (a comment, not a docstring: FastAPI would publish it) serialized as FastAPI would, once per fusion state
    # and question: a page of summaries with their origins is a large answer
    v = views_of(request)
    encoded = v.fused(("figures-json", measure, subject, since, until, include_conditional, q, limit, offset, points),
                      lambda: encode(figures_data(v, measure, subject, since, until, include_conditional, q, limit,
                                                  offset, points), "items"), remake=True)
    return Response(encoded, media_type="application/json")


@router.get("/series/{series_id:path}", summary="One estimate series: its claims (paged) and contradictions",
            response_model=dict[str, Any])
def api_series(request: Request, series_id: str, limit: int = Query(1000, ge=1, le=100_000,
                                                                    description="Claims per page."),
               offset: int = Offset) -> Response:
    # (a comment, not a docstring: FastAPI would publish it in /openapi.json) The series' figure records
    # (every claim's chain: megabytes on a big series) are serialized once per fusion state and series (made
    # again by a background build for its new state), and put in place of a marker in the rest of the answer,
    # which is serialized as FastAPI would.
    v = views_of(request)
    page = dict(v.series_page(series_id, offset, limit, 0, figures=False))
    rows = page.pop("rows")
    page.pop("chart_points", None)
    encoded = v.fused(("series-figures-json", series_id), lambda: encode_list(v.fusion.series_figures(series_id)),
                      remake=True)
    answer = {**page, "figures": None, "points": v.with_text(rows), "limit": limit, "offset": offset}
    return Response(spliced(answer, "figures", encoded), media_type="application/json")


def encode(answer: dict[str, Any], key: str) -> bytes:
    """``answer`` as FastAPI would serialize it, its list under ``key`` item by item (``encode_list``)."""
    return spliced(answer, key, encode_list(answer[key]))


def spliced(answer: dict[str, Any], key: str, encoded: bytes) -> bytes:
    """``answer`` serialized with the JSON ``encoded`` (made before, or item by item) as its value under ``key``,
    in that key's place."""
    return _JSON.dump_json({**answer, key: _MARK}).replace(_MARK_JSON, encoded, 1)


def encode_list(items: list[dict[str, Any]]) -> bytes:
    """A list of records as FastAPI would serialize it, one record at a time: the same bytes as one call, but a
    background build serializing megabytes lets the pages' threads run between two records (one call would
    hold the interpreter's lock throughout)."""
    return b"[" + b",".join(_JSON.dump_json(item) for item in items) + b"]"


@router.get("/conflicts", summary="Contradictions between claims of the same series")
def api_conflicts(request: Request, series: str | None = Query(None, description="Only this series."),
                  limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    return conflicts_data(views_of(request), limit, offset, series)


@router.get("/entities", summary="Entities across all reports, filtered by type and name")
def api_entities(request: Request, type: str | None = None, q: str | None = None,  # noqa: A002
                 limit: int = Limit, offset: int = Offset) -> dict[str, Any]:
    return entities_data(views_of(request), type, q, limit, offset)


@router.get("/entity/{entity_id:path}", summary="One entity: aliases, claims, quotes and co-occurring entities")
def api_entity(request: Request, entity_id: str,
               limit: int = Query(500, ge=1, le=100_000, description="Claims, quotes, reports per page."),
               offset: int = Offset) -> dict[str, Any]:
    return entity_data(views_of(request), entity_id, limit, offset)


@router.get("/timeline", summary="Dated events from every report, in order")
def api_timeline(request: Request, since: str | None = None, until: str | None = None, q: str | None = None,
                 limit: int = Query(100, ge=1, le=1000), offset: int = Offset) -> dict[str, Any]:
    return timeline_data(views_of(request), since, until, q, limit, offset)
