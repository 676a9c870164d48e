"""The HTML pages: each renders the data of its /api twin with a template."""
from __future__ import annotations

import math
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from ..engine import Crosswire
from ..report.sources import origin_of, source_style
from ..errors import CrosswireError
from . import api, charts, docpage, highlight
from ..store import DocFilter

router = APIRouter(include_in_schema=False)
Offset = Query(0, ge=0, le=10_000_000)
SERIES_ROWS = 200
FIGURES_PAGE = 10  # cards on a page of /figures (its ``limit`` by default)


def _q(value: Any) -> str:
    return quote(str(value), safe="")


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def safe_url(value: Any) -> str | None:
    """A report's own URL, as a link only when it is plain http(s): never javascript:, data: or the like."""
    text = str(value or "").strip()
    return text if urlsplit(text).scheme.lower() in ("http", "https") and "\\" not in text else None


def qs(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


def latest(series: dict[str, Any]) -> str:
    """The latest figure of a series summary, as text."""
    p = series.get("latest")
    if isinstance(p, dict):
        figure = p.get("figure") or _num(p.get("value"))
        return f"{figure} ({p.get('source') or 'unattributed'}, {p.get('date') or 'undated'})"
    return _num(p)


def timeline_href(item: dict[str, Any]) -> str:
    """Where a timeline entry came from: its claim, else its span of text highlighted."""
    doc = f"/documents/{_q(item.get('doc_id'))}"
    if item.get("claim_id") is not None:
        return f"{doc}#claim-{item['claim_id']}"
    if isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
        return f"{doc}?hl={item['start']}-{item['end']}#mark-here"
    return doc


FILTERS = {"q": _q, "num": _num, "safe_url": safe_url, "day": lambda v: (str(v) if v else "—")[:10]}
GLOBALS = {"qs": qs, "range": range, "min": min, "max": max, "latest": latest, "timeline_href": timeline_href,
           "source_style": source_style, "origin_of": origin_of}


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    tpl = request.app.state.templates
    context.setdefault("fusion", _fusion_status(request))  # base.html: "updating — showing data as of"
    return tpl.TemplateResponse(request, name, context)  # type: ignore[no-any-return]


def _fusion_status(request: Request) -> dict[str, Any] | None:
    try:
        return views_of(request).fusion_status()
    except CrosswireError:  # the store cannot be read: the page itself says so
        return None


def views_of(request: Request) -> Crosswire:
    """The app's engine (every page reads through it)."""
    return request.app.state.engine  # type: ignore[no-any-return]


def claim_href(p: dict[str, Any]) -> str:
    return f"/documents/{_q(p.get('doc_id'))}#claim-{p.get('claim_id')}"


def pager(total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "prev": max(offset - limit, 0) if offset else None,
            "next": offset + limit if offset + limit < total else None}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    data = api.overview_data(views_of(request))
    return render(request, "home.html", counts=data["counts"], recent=data["latest"], figures=data["figures"],
                  n_conflicts=data["conflicts"])


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, since: str | None = None, until: str | None = None, publisher: str | None = None,
              language: str | None = None, limit: int = Query(50, ge=1, le=500),
              offset: int = Offset) -> HTMLResponse:
    flt = DocFilter(since or None, until or None, publisher or None, language or None)
    data = api.documents_data(views_of(request), flt, limit, offset)
    return render(request, "documents.html", data=data, flt=flt, pager=pager(data["total"], limit, offset))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, hl: str | None = Query(None, pattern=r"^\d{1,9}-\d{1,9}$")) -> HTMLResponse:
    views = views_of(request)
    cache: docpage.PageCache = request.app.state.page_cache
    version = views.version()
    page = cache.get(version, (doc_id, hl))
    if page is not None:  # a long report viewed again while nothing changed
        return HTMLResponse(page)
    response = _document(request, views, doc_id, hl)
    cache.put(version, (doc_id, hl), bytes(response.body))
    return response


def _document(request: Request, views: Crosswire, doc_id: str, hl: str | None) -> HTMLResponse:
    doc = api.document_data(views, doc_id)
    spans = highlight.spans_of(doc)
    if hl:
        start, end = (int(x) for x in hl.split("-"))
        if 0 <= start < end <= len(doc["text"] or ""):
            spans.append(highlight.Span("mark", "here", start, end, "the passage you followed"))
    text_html = highlight.to_html(doc["text"] or "", spans)
    return render(request, "document.html", doc=doc, text_html=text_html, lists=docpage.record_lists(doc),
                  url=safe_url(doc.get("url")))


@router.get("/documents/{doc_id}/original", response_class=HTMLResponse)
def original(request: Request, doc_id: str) -> HTMLResponse:
    v = views_of(request)
    orig = v.original(doc_id)
    raw: bytes = orig.get("raw") or b""
    try:
        as_text = raw.decode(orig.get("encoding") or "utf-8")
    except (LookupError, UnicodeDecodeError):
        as_text = orig.get("decoded") or raw.decode("utf-8", "replace")
    return render(request, "original.html", orig=orig, text=as_text, size=len(raw))


@router.get("/figures", response_class=HTMLResponse)
def figures(request: Request, q: str | None = None, measure: str | None = None, since: str | None = None,
            until: str | None = None, include_conditional: bool = False,
            limit: int = Query(FIGURES_PAGE, ge=1, le=100), offset: int = Offset) -> HTMLResponse:
    v = views_of(request)
    data = api.figures_data(v, measure or None, None, since or None, until or None, include_conditional, q,
                            limit, offset, points=True)
    templates = request.app.state.templates
    cards = [(s, v.series_part(s["id"], ("chart-html", since, until), partial(chart_html, templates, v, s),
                               include_conditional)) for s in data["items"]]
    return render(request, "figures.html", data=data, cards=cards, q=q, measure=measure, since=since, until=until,
                  include_conditional=include_conditional, pager=pager(data["total"], limit, offset))


def prepare(engine: Crosswire, templates: Any) -> None:
    """What the dashboard's first views need of a new fusion state, made by its background build before the
    state is served (``Crosswire.prepare``): the overview's figures and the figures page's first cards."""
    api.overview_data(engine)
    data = api.figures_data(engine, None, None, None, None, False, None, FIGURES_PAGE, 0, points=True)
    for s in data["items"]:
        engine.series_part(s["id"], ("chart-html", None, None), partial(chart_html, templates, engine, s))


def chart_html(templates: Any, v: Crosswire, s: dict[str, Any]) -> Markup:
    """A series card's chart as HTML (macros.html ``chart``; ``templates``: the app's), made once per series as
    fused (``Crosswire.series_part``: kept across refreshes that do not touch the series): drawing 150 marks
    costs more than the rest of the figures page."""
    macros = templates.env.get_template("macros.html").module
    return macros.chart(charts.build(s, v.conflict_claims(), claim_href, max_marks=150),  # type: ignore[no-any-return]
                        s["label"])


@router.get("/series/{series_id:path}", response_class=HTMLResponse)
def series(request: Request, series_id: str, offset: int = Offset) -> HTMLResponse:
    v = views_of(request)
    label, main = v.fused(("series-html", series_id, offset),
                          partial(series_main, request.app.state.templates, v, series_id, offset), remake=True)
    return render(request, "series.html", label=label, main=main)


def series_main(templates: Any, v: Crosswire, series_id: str, offset: int) -> tuple[str, Markup]:
    """A series page's label and main part (its chart, contradictions and a page of rows with their sentences) as
    HTML, made once per fusion state and page — asking the engine afresh, so a background build makes it again
    for its new state (``Crosswire.fused``) and a view after an ingest only wraps it in the page. The HTML is kept
    with the series as fused (``Crosswire.series_part``) for as long as the claims it marks as disagreeing are the
    same: a refresh that leaves the series alone does not draw it again."""
    page = v.series_page(series_id, offset, SERIES_ROWS, charts.MAX_MARKS, figures=False)  # not shown here
    own = {c for k in page.get("conflicts") or [] for c in k.get("claim_ids") or []}
    every = v.conflict_claims()  # 100,000s of claims on a big knowledge base: looked into, not copied
    marked = frozenset(p["claim_id"] for p in (*page["rows"], *page["chart_points"])
                       if p["claim_id"] in own or p["claim_id"] in every)
    return v.series_part(series_id, ("series-html", offset, marked),
                         partial(_series_main, templates, v, series_id, offset, page, marked))


def _series_main(templates: Any, v: Crosswire, series_id: str, offset: int, page: dict[str, Any],
                 marked: frozenset[int]) -> tuple[str, Markup]:
    chart = v.fused(("series-chart", series_id), partial(series_chart, v, series_id), remake=True)
    html = templates.env.get_template("series_main.html").render(
        s=page, chart=chart, rows=v.with_text(page["rows"]), conflict_ids=marked,
        pager=pager(page["points_total"], SERIES_ROWS, offset))
    return str(page["label"]), Markup(html)


def series_chart(v: Crosswire, series_id: str) -> charts.Chart:
    """A series page's chart (its latest marks, whatever rows the page shows), made once per fusion state —
    asking the engine afresh, so a background build makes it again for its new state (``Crosswire.fused``)."""
    page = v.series_page(series_id, 0, SERIES_ROWS, charts.MAX_MARKS, figures=False)
    own = {c for k in page.get("conflicts") or [] for c in k.get("claim_ids") or []}
    every = v.conflict_claims()
    marked = {p["claim_id"] for p in page["chart_points"] if p["claim_id"] in own or p["claim_id"] in every}
    chart = charts.build({**page, "points": page["chart_points"]}, marked, claim_href)
    chart.undated = page["n_undated"]
    chart.hidden = max(0, page["points_total"] - page["n_undated"] - len(page["chart_points"]))
    return chart


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts(request: Request, series: str | None = None, offset: int = Offset) -> HTMLResponse:
    data = api.conflicts_data(views_of(request), 100, offset, series or None)
    return render(request, "conflicts.html", data=data, series=series,
                  pager=pager(data["total"], 100, offset))


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, type: str | None = None, q: str | None = None,  # noqa: A002
             offset: int = Offset) -> HTMLResponse:
    data = api.entities_data(views_of(request), type, q, 100, offset)
    return render(request, "entities.html", data=data, type=type, q=q, pager=pager(data["total"], 100, offset))


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str) -> HTMLResponse:
    v = views_of(request)
    e = api.entity_data(v, entity_id)
    return render(request, "entity.html", e=e, net=v.cached(("network", e["id"]), partial(network, e)))


@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, since: str | None = None, until: str | None = None, q: str | None = None,
             offset: int = Offset) -> HTMLResponse:
    data = api.timeline_data(views_of(request), since, until, q, 200, offset)
    return render(request, "timeline.html", data=data, since=since, until=until, q=q,
                  pager=pager(data["total"], 200, offset))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=500), offset: int = Offset) -> HTMLResponse:
    data = api.search_data(views_of(request), q, 20, offset) if q.strip() else {"items": [], "query": q}
    nxt = offset + 20 if len(data["items"]) == 20 else None
    return render(request, "search.html", data=data, q=q, search_q=q, offset=offset, next=nxt)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


def network(e: dict[str, Any], max_nodes: int = 24) -> dict[str, Any]:
    """A radial picture of the entities that appear with ``e``: edge width by shared reports."""
    every = [{**o, "count": o.get("docs") or o.get("count") or 0}
             for o in e.get("co_occurring") or e.get("co-occurring") or []]
    every.sort(key=lambda o: -o["count"])
    others = every[:max_nodes]
    size, cx, cy, r = 640, 320, 250, 170
    top = max((o.get("count") or 1 for o in others), default=1)
    nodes = []
    for i, o in enumerate(others):
        angle = 2 * math.pi * i / max(len(others), 1) - math.pi / 2
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        name = str(o.get("name") or "")
        nodes.append({"name": name, "label": name if len(name) <= 24 else name[:23] + "…",
                      "id": o.get("id") or name, "count": o.get("count") or 0,
                      "x": round(x, 1), "y": round(y, 1), "w": round(1 + 5 * (o.get("count") or 1) / top, 1),
                      "anchor": "start" if x >= cx else "end", "lx": round(x + (8 if x >= cx else -8), 1)})
    return {"size": size, "cx": cx, "cy": cy, "nodes": nodes, "name": e.get("name"), "all": every}
