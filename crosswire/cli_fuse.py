"""CLI commands for the cross-report views: figures, series, conflicts, timeline, entities.

``register(cli)`` adds them to the main group (crosswire/cli.py calls it once). Each command
parses its options, calls one method of the engine (:class:`crosswire.Crosswire`, its read side in
``crosswire/reading.py``) and prints the result, as plain text or with ``--json``.
"""
from __future__ import annotations

from typing import Any

import click

from .engine import Crosswire
from .fuse.rules import number, with_unit
from .report.sources import history_dicts
from .terminal import dumps, safe

_LEGEND = ("chain: outlet → asserter → whom they cite; likelihood: ICD 203 term for the hedge; "
           "grade: your Admiralty grade (setting source_grades); a date marked ~ is the publication date; "
           "'earlier': a figure the report recalls from a time it does not say")


def register(cli: click.Group) -> None:
    """Add the fusion commands to ``cli`` (a second call does nothing)."""
    if "figures" in cli.commands:
        return
    for command in (figures, series, conflicts, timeline, entities):
        cli.add_command(command)


def _engine(ctx: click.Context, write: bool = False) -> Crosswire:
    """The engine; ``write`` for the commands that record entity edits (the CLI opens the knowledge base
    read-only for everything else)."""
    engine: Crosswire = ctx.find_root().obj["engine"]
    if write:
        engine.read_only = False
    return engine


def _json(data: Any) -> None:
    click.echo(dumps(data))


def _echo(text: str, err: bool = False) -> None:
    """Print a line built from stored data, without terminal control characters."""
    click.echo(safe(text), err=err)


def _quiet(ctx: click.Context) -> bool:
    return bool(ctx.find_root().obj.get("quiet"))


# ---------------------------------------------------------------- plain text

def _point_line(p: dict[str, Any]) -> str:
    date = (p["date"] or ("earlier" if p["dated_by"] == "recalled" else "undated")) + (
        "~" if p["dated_by"] == "published" else "")
    lik = p["likelihood"]
    hedge = f"{p['hedge']} ({lik['term']})" if lik else (p["hedge"] or "—")
    grade = p["grade"]["grade"] if p["grade"] else "-"
    chain = " → ".join(p["chain"]) or "—"
    return f"  {date:<12} {p['figure']:<24} {chain:<58} {hedge:<28} {grade}"


def _series_block(s: dict[str, Any]) -> list[str]:
    head = (f"  {s['n_points']} point(s) · {_range(s)} · {s['n_sources']} source(s), "
            f"{s['n_independent']} independent")
    return [f"{s['label']}   [{s['id']}]", head, *(_point_line(p) for p in s["points"])]


def _range(s: dict[str, Any]) -> str:
    low, high = s["low"], s["high"]
    text = number(low) if low == high else f"{number(low)} to {number(high)}"
    return with_unit(text, s["unit"])


def _kind(c: dict[str, Any]) -> str:
    """'contradiction: disjoint', 'divergence ×1.20'."""
    if c["kind"] == "divergence":
        return f"divergence ×{c['ratio']:.2f}" if c.get("ratio") else "divergence"
    return f"{c['kind']}: {c['check']}" if c.get("check") else str(c["kind"])


def _step_text(step: dict[str, Any]) -> str:
    """"300 (2025-01-13, YTN + KBS)": an estimate, its date and the outlets that carried it."""
    outlets = step["outlets"]
    more = f", {' + '.join(outlets[:3])}{' …' if len(outlets) > 3 else ''}" if outlets else ""
    return f"{step['figure']} ({step['date']}{more})"


def _brief(s: dict[str, Any]) -> str:
    origins = [o["origin"] + (f" (via {', '.join(o['repeaters'][:3])})" if o["repeaters"] else "")
               for o in s["origins"] if o["origin"]]
    return (f"{s['label']}: {_range(s)} — {s['n_points']} claim(s), {s['n_independent']} independent source(s): "
            f"{', '.join(origins[:6])}{' …' if len(origins) > 6 else ''}   [{s['id']}]")


# ---------------------------------------------------------------- commands

@click.command()
@click.option("--measure", help="Only this measure (personnel, killed, wounded, casualties, captured, materiel, "
                                "money, share, other).")
@click.option("--subject", help="Only this subject (an entity id, name or alias).")
@click.option("--since", help="Points dated on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Points dated on or before.")
@click.option("--conditional", is_flag=True, help="Include hypothetical figures (left out by default).")
@click.option("--all", "show_all", is_flag=True, help="Also figures of measure 'other' (that do not say what they "
                                                     "count); left out unless --all or --measure other.")
@click.option("--top", type=int, help="Only the N series with the most independent sources.")
@click.option("--brief", is_flag=True, help="One line per series: range and sources.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def figures(ctx: click.Context, measure: str | None, subject: str | None, since: str | None, until: str | None,
            conditional: bool, show_all: bool, top: int | None, brief: bool, as_json: bool) -> None:
    """Estimate series: figures for the same quantity across reports, ordered by as-of date.

    A quantity is measure + subject + scope (a place, a kind of unit, a running total or a figure
    per week/month/year). Each point shows its figure, attribution chain, hedge with its ICD 203
    likelihood, and your grade of the source.
    """
    cw = _engine(ctx)
    if top:  # the engine's one ranking of key figures
        rows = cw.top_figures(top, measure=measure, subject=subject, since=since, until=until,
                              include_conditional=conditional, include_other=show_all)
    else:
        rows = cw.figures(measure=measure, subject=subject, since=since, until=until,
                          include_conditional=conditional, include_other=show_all)
    if as_json:
        _json(rows)
        return
    for s in rows:
        _echo(_brief(s) if brief else "\n".join(_series_block(s)) + "\n")
    if not _quiet(ctx):
        _echo(f"{len(rows)} series" + ("" if brief else f" — {_LEGEND}"), err=True)


@click.command()
@click.argument("series_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def series(ctx: click.Context, series_id: str, as_json: bool) -> None:
    """One series (an id from `crosswire figures`): every point with its sentence, each origin's
    estimates over time, the figures and how many independent sources assert each, and the
    contradictions in it."""
    s = _engine(ctx).series(series_id)
    history = history_dicts(s["points"])
    if as_json:
        _json({**s, "origin_history": history})
        return
    _echo("\n".join(_series_block(s)))
    _echo("\neach origin's estimates over time (an estimate holds until the origin's next):")
    for h in history:
        _echo(f"  {h['origin']}: " + " → ".join(_step_text(step) for step in h["steps"]))
    for p in s["points"]:
        _echo(f"\n  #{p['claim_id']} {p['doc_id'][:10]} [{p.get('start')}:{p.get('end')}] {p.get('sentence') or ''}")
    _echo("\nfigures (independent = distinct origins):")
    for f in s["figures"]:
        _echo(f"  {f['figure']:<24} {f['n_reports']} report(s), {f['n_sources']} source(s), "
                   f"{f['n_independent']} independent: {', '.join(o['origin'] for o in f['origins'])}")
        for c in f["chains"]:
            _echo(f"      #{c['claim_id']}: {' → '.join(c['chain'])}")
    if s["conflicts"]:
        _echo("\nconflicts:")
        for c in s["conflicts"]:
            _echo(f"  [{_kind(c)}] {c['reason']}")


@click.command()
@click.option("--dismiss", "dismiss_id", metavar="ID", help="Dismiss this conflict (an id from the listing); "
                                                            "give --reason.")
@click.option("--restore", "restore_id", metavar="ID", help="Open a dismissed conflict again.")
@click.option("--reason", help="Why it is dismissed (kept with the review).")
@click.option("--analyst", help="Who reviews (default: $USER).")
@click.option("--dismissed", "show_dismissed", is_flag=True, help="List the dismissed conflicts instead, with who "
                                                                  "dismissed each, when and why.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def conflicts(ctx: click.Context, dismiss_id: str | None, restore_id: str | None, reason: str | None,
              analyst: str | None, show_dismissed: bool, as_json: bool) -> None:
    """Disagreements within one quantity and period. Contradictions: figures that cannot both be true
    (a bound that misses another origin's figure; killed + wounded that do not add up to the same
    origin's total). Divergences: point estimates of different origins further apart than rounding
    explains, with the ratio.

    Each is listed with its id and the ids of its claims (look one up with `crosswire claim ID`).
    --dismiss ID --reason TEXT takes a conflict out of every view (reports included), recorded with
    --analyst (default $USER) and the time; --dismissed lists them; --restore ID opens one again.
    """
    cw = _engine(ctx)
    if dismiss_id or restore_id:
        from .review import default_analyst

        if dismiss_id and restore_id:
            raise click.UsageError("--dismiss and --restore cannot go together")
        result = cw.review_conflict(dismiss_id or restore_id or "", dismiss=bool(dismiss_id), reason=reason,
                                    analyst=analyst or default_analyst())
        if as_json:
            _json(result)
        else:
            _echo(f"{'dismissed' if dismiss_id else 'restored'}: {result['id']}" + (f" ({reason})" if reason else ""))
        return
    rows = cw.dismissed_conflicts() if show_dismissed else cw.conflicts()
    if as_json:
        _json(rows)
        return
    for c in rows:
        review = c.get("review")
        said = (f"\n  dismissed by {review['analyst']} at {review['created_at']}"
                + (f": {review['reason']}" if review.get("reason") else "")) if review else ""
        _echo(f"[{_kind(c)}] {c['id']}\n  {c['reason']}\n"
              f"  claims: {', '.join(f'#{i}' for i in c['claim_ids'])} (see `crosswire claim ID`){said}\n")
    if not _quiet(ctx):
        n_dismissed = 0 if show_dismissed else len(cw.dismissed_conflicts())
        _echo(f"{len(rows)} {'dismissed ' if show_dismissed else ''}conflict(s)"
              + (f"; {n_dismissed} dismissed (see --dismissed)" if n_dismissed else ""), err=True)


@click.command()
@click.option("--since", help="On or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="On or before.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def timeline(ctx: click.Context, since: str | None, until: str | None, as_json: bool) -> None:
    """Dated events, statements (quotes with a date) and claims with an as-of date, in order."""
    rows = _engine(ctx).timeline(since=since, until=until)
    if as_json:
        _json(rows)
        return
    for r in rows:
        _echo(f"{r['date']:<10}  {r['kind']:<9} {(r['source'] or '—')[:24]:<24}  {r['text'][:140]}"
                   f"  ({r['doc_id'][:10]} {r['start']}:{r['end']})")
    if not _quiet(ctx):
        _echo(f"{len(rows)} item(s)", err=True)


# ---------------------------------------------------------------- entities

@click.group()
def entities() -> None:
    """Entities across reports: one id per real thing; merge and split them (kept across re-ingests)."""


@entities.command("list")
@click.option("--type", "type_", help="Only this type (PERSON, ORG, GPE, LOC, FAC, NORP, WEAPON, EVENT).")
@click.option("--query", help="Only entities with a name or alias containing these words.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_list(ctx: click.Context, type_: str | None, query: str | None, as_json: bool) -> None:
    """List entities: id, type, name, number of reports, aliases."""
    rows = _engine(ctx).entities(type=type_, query=query)
    if as_json:
        _json(rows)
        return
    for e in rows:
        _echo(f"{e['id'][:24]:<24} {(e['type'] or '—'):<7} {e['name'][:36]:<36} {e['n_docs']:>4}  "
                   f"{', '.join(e['aliases'])[:80]}")


@entities.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """One entity (id, name or alias): aliases, reports, claims, quotes, co-occurring entities, edits."""
    e = _engine(ctx).entity(name)
    if as_json:
        _json(e)
        return
    _echo(f"{e['name']}  [{e['id']}]  {e['type'] or '—'}  kb: {', '.join(e['kb_ids']) or '—'}")
    _echo(f"aliases: {', '.join(e['aliases']) or '—'}")
    _echo(f"reports: {len(e['doc_ids'])}  claims: {len(e['claims'])}  quotes: {len(e['quotes'])}")
    for c in e["claims"][:30]:
        _echo(f"  #{c['id']} {'/'.join(c['roles'])}: {c['span']!r} {c['measure']} {c['subject']} "
              f"({c['as_of'] or 'undated'})")
    for q in e["quotes"][:20]:
        _echo(f"  “{q['text'][:100]}” ({q['said_on'] or 'date not said'})")
    if e["co_occurring"]:
        _echo("with: " + ", ".join(f"{o['name']} ({o['docs']})" for o in e["co_occurring"][:15]))
    for x in e["edits"]:
        state = "undone" if x["undone_at"] else "active"
        _echo(f"edit {x['id']}: {x['action']} {x['target_name']} / {x['other_name']} ({state})")


def _edit_result(ctx: click.Context, result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _json(result)
        return
    e = result["entity"]
    line = result.get("note") or f"{result['action']}: {e['name']} [{e['id']}] now has aliases: {', '.join(e['aliases']) or '—'}"
    if result.get("split"):
        line += f"\n{result['split']['name']} [{result['split']['id']}] is an entity of its own"
    if result.get("edit_id"):
        line += f"\n(edit {result['edit_id']}; undo with `crosswire entities undo {result['edit_id']}`)"
    _echo(line)


@entities.command("merge")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_merge(ctx: click.Context, a: str, b: str, as_json: bool) -> None:
    """Merge entity B into A (A keeps its id and name). Kept across re-ingests."""
    _edit_result(ctx, _engine(ctx, write=True).merge(a, b), as_json)


@entities.command("unmerge")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_unmerge(ctx: click.Context, a: str, b: str, as_json: bool) -> None:
    """Undo the merge of B into A."""
    _edit_result(ctx, _engine(ctx, write=True).unmerge(a, b), as_json)


@entities.command("split")
@click.argument("name")
@click.argument("alias")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_split(ctx: click.Context, name: str, alias: str, as_json: bool) -> None:
    """Take ALIAS (one of NAME's names or spellings) out of NAME as an entity of its own."""
    _edit_result(ctx, _engine(ctx, write=True).split(name, alias), as_json)


@entities.command("edits")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_edits(ctx: click.Context, as_json: bool) -> None:
    """Every merge and split you made, active or undone."""
    rows = _engine(ctx).edits()
    if as_json:
        _json(rows)
        return
    for x in rows:
        state = f"undone {x['undone_at']}" if x["undone_at"] else "active"
        _echo(f"{x['id']:>4}  {x['action']:<5}  {x['target_name']}  ←  {x['other_name']}  ({x['created_at']}, {state})")


@entities.command("undo")
@click.argument("edit_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def entities_undo(ctx: click.Context, edit_id: int, as_json: bool) -> None:
    """Undo one merge or split (ids from `crosswire entities edits`)."""
    result = _engine(ctx, write=True).undo(edit_id)
    if as_json:
        _json(result)
    else:
        e = result["edit"]
        _echo(f"undone: {e['action']} {e['target_name']} / {e['other_name']}")
