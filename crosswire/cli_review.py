"""CLI for the analyst's review: ``crosswire claim ID`` (show, correct, dismiss) and the review lines of
``crosswire conflicts``. ``register(cli)`` adds ``claim``; each command calls one engine method
(``crosswire/review.py``) and prints the result, as plain text or with ``--json``.
"""
from __future__ import annotations

from typing import Any

import click

from .review import FIELDS, default_analyst, parse_assignments
from .terminal import dumps, safe

_FIELD_NAMES = ", ".join(FIELDS)
_SHOWN = ("measure", "subject", "source", "value", "low", "high", "qualifier", "unit", "counted", "location",
          "hedge", "conditional", "as_of")


def register(cli: click.Group) -> None:
    """Add ``claim`` to ``cli`` (a second call changes nothing)."""
    if "claim" not in cli.commands:
        cli.add_command(claim)


def _echo(text: str) -> None:
    click.echo(safe(text))


def review_line(r: dict[str, Any]) -> str:
    """One review as a line: when, who, what changed, why."""
    what = [f"{k}={v}" for k, v in r["changes"].items() if k not in ("attribution", "as_of_rule")]
    what += [f"unset {k}" for k in r["unset"] if k not in ("attribution", "as_of_rule")]
    if r["dismiss"] is not None:
        what.append("dismissed" if r["dismiss"] else "restored")
    return (f"{r['created_at']}  {r['analyst']}: {'; '.join(what) or '—'}"
            + (f"  ({r['reason']})" if r.get("reason") else ""))


def claim_lines(c: dict[str, Any]) -> list[str]:
    doc = c["document"]
    head = f"claim #{c['id']}  [{c['ref']}]"
    if c["dismissed"]:
        last = next((r for r in reversed(c["reviews"]) if r["dismiss"]), None)
        head += "  DISMISSED" + (f" by {last['analyst']}" + (f": {last['reason']}" if last["reason"] else "")
                                 if last else "")
    out = [head, f"{'figure':<12} {c['figure']}   span {c['span']!r} at {c['start']}-{c['end']}"]
    for name in _SHOWN:
        value = c.get(name)
        shown = "—" if value is None or value == "" else str(bool(value)).lower() if name == "conditional" else value
        note = f"   (extracted: {c['extracted'][name] if c['extracted'][name] is not None else '—'})" \
            if name in c["extracted"] else ""
        if name == "as_of" and c.get("as_of_rule"):
            note = f"   [{c['as_of_rule']}]" + note
        out.append(f"{name:<12} {shown}{note}")
    out.append(f"{'chain':<12} {' → '.join(c['chain']) or '—'}")
    out.append(f"{'sentence':<12} {c.get('sentence') or '—'}")
    out.append(f"{'report':<12} {doc['title'] or doc['source']} — {doc['publisher'] or 'publisher unknown'}, "
               f"{doc['published'] or 'undated'}  [{doc['id'][:12]}]" + (f"  {doc['url']}" if doc.get("url") else ""))
    for q in c["statements"]:
        chain = " → ".join(q.get("chain") or []) or (q.get("speaker") or q.get("speaker_surface") or "—")
        out.append(f"{'statement':<12} {q.get('kind') or 'direct'}: {chain} — {q.get('cue') or '—'}"
                   + (f", said {q['said_on']}" if q.get("said_on") else "") + f": “{(q.get('text') or '')[:160]}”")
    out.append(f"{'series':<12} {', '.join(c['series']) or '— (in no series)'}")
    out += [f"{'review':<12} {review_line(r)}" for r in c["reviews"]] or [f"{'review':<12} — (as extracted)"]
    return out


@click.command()
@click.argument("claim_id")
@click.option("--set", "assignments", multiple=True, metavar="FIELD=VALUE",
              help=f"Correct a field (repeatable). Fields: {_FIELD_NAMES}. as_of: YYYY, YYYY-MM, YYYY-MM-DD or "
                   "none; measure: one of the measures; source replaces the attribution chain.")
@click.option("--unset", "unset", multiple=True, metavar="FIELD",
              help="Return a field to what extraction said (repeatable).")
@click.option("--dismiss", is_flag=True, help="Dismiss the claim: it leaves series, conflicts, timeline and reports.")
@click.option("--restore", is_flag=True, help="Undo a dismissal.")
@click.option("--reason", help="Why (kept with the review).")
@click.option("--analyst", help="Who reviews (default: $USER).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def claim(ctx: click.Context, claim_id: str, assignments: tuple[str, ...], unset: tuple[str, ...], dismiss: bool,
          restore: bool, reason: str | None, analyst: str | None, as_json: bool) -> None:
    """Show one claim (an id from `crosswire conflicts` or `crosswire series ID`, or REPORT:START-END), or
    review it.

    Without options: every field, what extraction said of each corrected field, its sentence, its report,
    the statements it sits in, its series and its review history. With --set / --unset / --dismiss /
    --restore: the correction is stored under the report's id and the figure's offsets, so it survives
    re-ingest and re-extraction, is recorded with --analyst (default $USER) and the time, and flows into
    figures, series, conflicts, timeline, reports and exports.
    """
    if dismiss and restore:
        raise click.UsageError("--dismiss and --restore cannot go together")
    engine = ctx.find_root().obj["engine"]
    if assignments or unset or dismiss or restore:
        result = engine.review_claim(claim_id, parse_assignments(assignments), unset,
                                     True if dismiss else False if restore else None, reason,
                                     analyst or default_analyst())
    else:
        if reason or analyst:
            raise click.UsageError("--reason and --analyst go with --set, --unset, --dismiss or --restore")
        result = engine.claim(claim_id)
    if as_json:
        click.echo(dumps(result))
        return
    _echo("\n".join(claim_lines(result)))
