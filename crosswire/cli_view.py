"""CLI commands for seeing the knowledge base: ``serve`` (dashboard), ``report``, ``export`` and ``check``.

``crosswire.cli`` calls ``register(cli)``; each command parses its options and calls one function.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import DamagedKnowledgeBase
from .report.export import FORMATS
from .store.health import recovery_hint
from .terminal import dumps, safe

MIN_TOKEN = 16  # characters; a shorter token can be guessed


def register(cli: click.Group) -> None:
    """Add serve, report, export and check to ``cli`` (a second call changes nothing)."""
    for command in (serve, report, export, check):
        if command.name not in cli.commands:
            cli.add_command(command)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs --token.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option("--token", envvar="CROSSWIRE_TOKEN", help="Require this token (header, or ?token= once) on every "
                                                        "request; required off loopback; at least 16 characters. "
                                                        "Env: CROSSWIRE_TOKEN.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None) -> None:
    """Serve the dashboard: reports, figures, contradictions, entities, timeline, search and a JSON API.

    The JSON API is under /api and described at /openapi.json. The knowledge base is opened read-only
    and checked first (PRAGMA quick_check): a damaged one is refused. Fusion is built when the server
    starts and refreshed in the background when reports are added (by any process): pages show the
    previous answers, marked as updating, until the new ones are ready.
    """
    from .web.app import LOOPBACK_HOSTS, create_app
    from .web.security import is_loopback

    if not is_loopback(host) and not token:
        raise click.UsageError(f"binding to {host} lets other machines in: pass --token (or set CROSSWIRE_TOKEN), "
                               "or bind to 127.0.0.1")
    if token is not None and len(token) < MIN_TOKEN:
        raise click.UsageError(f"the token is {len(token)} characters long: use at least {MIN_TOKEN} (for example "
                               "`python3 -c 'import secrets; print(secrets.token_urlsafe(24))'`)")
    import uvicorn

    engine = ctx.obj["engine"]
    problems = engine.store.quick_check()
    if problems:
        raise DamagedKnowledgeBase(f"{engine.settings['db']} is damaged ({problems[0]}): run "
                                   f"`crosswire --db {engine.settings['db']} check`; not serving it")
    if not ctx.obj.get("quiet"):
        click.echo(f"crosswire dashboard on http://{host}:{port}/ — {engine.settings['db']}"
                   + (" (token required)" if token else ""), err=True)
    hosts = LOOPBACK_HOSTS if is_loopback(host) else None
    app = create_app(engine, token=token, allowed_hosts=hosts, live=True)  # fusion built at start-up, kept fresh
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.command()
@click.option("--topic", help="Only figures, quotes and events whose text mentions these words.")
@click.option("--since", help="Start of the period (YYYY, YYYY-MM or YYYY-MM-DD); default: the first day of the "
                              "month five months before --until (six calendar months in all).")
@click.option("--until", help="End of the period (inclusive); default: the latest report's date.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="Write here (default: stdout; a PDF needs --out unless stdout is redirected).")
@click.pass_context
def report(ctx: click.Context, topic: str | None, since: str | None, until: str | None, fmt: str,
           out: str | None) -> None:
    """A situation report: summary, key judgements (ICD 203 likelihood and a confidence level from
    independence and agreement), key figures, captioned per-origin charts, what changed since the
    previous period of the same length that has figures, contradictions, divergences, notable quotes,
    the period's timeline, sources with Admiralty grades and URLs, and the method.
    """
    from .report import to_html, to_markdown, to_pdf

    rep = ctx.obj["engine"].report(topic=topic, since=since, until=until)
    if fmt == "pdf":
        data = to_pdf(rep)
        if out:
            Path(out).write_bytes(data)
        elif sys.stdout.isatty():
            raise click.UsageError("a PDF is binary: pass --out FILE or redirect stdout")
        else:
            sys.stdout.buffer.write(data)
    else:
        text = safe(to_html(rep) if fmt == "html" else to_markdown(rep, _chart_dir(out)))  # no terminal controls
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if out and not ctx.obj.get("quiet"):
        click.echo(f"{rep['title']} ({rep['since']} to {rep['until']}) written to {out}", err=True)


def _chart_dir(out: str | None) -> Path | None:
    """Markdown charts go beside the file (REPORT_charts/); on stdout they are embedded."""
    return Path(out).with_name(Path(out).stem + "_charts") if out else None


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv/jsonl/parquet: one file per record type in --out (csv adds the reviewed ledger: ledger, "
                   "series, conflicts, reviews); xlsx: the reviewed ledger as one workbook; graphml: the entity "
                   "network (Gephi); ftm: FollowTheMoney entities, one JSON object per line (Aleph).")
@click.option("--out", required=True, type=click.Path(),
              help="Folder (csv, jsonl, parquet) or file (xlsx, graphml, ftm).")
@click.pass_context
def export(ctx: click.Context, fmt: str, out: str) -> None:
    """Export every record type (documents, removed lines, entities, mentions, quotes, claims, times,
    rejections), the reviewed ledger (claims with the analyst's corrections applied, series points,
    conflicts and reviews; CSV and XLSX), the entity network, or FollowTheMoney entities."""
    from .report.export import export as run

    paths = run(ctx.obj["engine"], fmt, out)
    if not ctx.obj.get("quiet"):
        for p in paths:
            click.echo(f"{p} ({os.path.getsize(p):,} bytes)", err=True)


@click.command()
@click.option("--salvage", type=click.Path(file_okay=False), help="Also write every input still readable (as "
              "received) into this folder, to rebuild with `crosswire --db new.db ingest FOLDER`.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def check(ctx: click.Context, salvage: str | None, as_json: bool) -> None:
    """Check the knowledge base: SQLite's integrity check, foreign keys, applied migrations and tables.

    Prints the row counts when all is well (exit 0); otherwise each problem and how to recover (exit 6):
    --salvage DIR writes the inputs still readable, to ingest into a new knowledge base; or keep the rows
    still readable with `sqlite3 KB .recover | sqlite3 recovered.db`. The file is opened read-only and
    never changed.
    """
    engine = ctx.obj["engine"]
    result = engine.check()
    if salvage:
        written, damaged = engine.salvage(salvage)
        click.echo(f"{written} input(s) written to {salvage}" + ("; part of the table of inputs could not be read"
                                                                 if damaged else "")
                   + f" — rebuild with `crosswire --db new.db ingest {salvage}`", err=True)
    if as_json:
        click.echo(dumps(result.as_dict()))
    elif result.ok:
        counts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in result.facts.items())
        click.echo(f"{result.path}: ok — {counts}")
    else:
        click.echo(safe(f"{result.path}: {len(result.problems)} problem(s)"))
        for problem in result.problems:
            click.echo(safe(f"  {problem}"))
        click.echo(safe(recovery_hint(result.path)))
    ctx.exit(0 if result.ok else DamagedKnowledgeBase.exit_code)
