"""The `huibao` command. It parses arguments and calls the library; nothing else lives here.

Heavy imports (Prefect, SQLAlchemy, Datasette) happen inside the commands that need them, so
`huibao parse` stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

EXIT_NOTHING_DONE = 1


def _settings():
    from huibao.config import Settings

    return Settings.from_env()


def _fail(message: str) -> int:
    print(f"huibao: {message}", file=sys.stderr)
    return EXIT_NOTHING_DONE


# -- parse ---------------------------------------------------------------------------------------


def _cmd_parse(args: argparse.Namespace) -> int:
    from huibao.text import Limits, Rejected, parse_path, to_json

    try:
        parsed = parse_path(args.file, Limits.from_env())
    except Rejected as exc:
        return _fail(f"{args.file}: rejected: {exc}")
    if args.json:
        json.dump(to_json(parsed, with_text=args.text), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_outline(parsed)
    return 0


def _print_outline(parsed) -> None:
    """The heading tree, each section indented under its parent and numbered by its place in
    the tree (`2.3` is the third child of the second part)."""
    if parsed.collection_title:
        print(f"《{parsed.collection_title}》")
    for doc in parsed.documents:
        meta = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("year", doc.year), ("period", doc.period), ("level", doc.admin_level),
                ("place", doc.place), ("org", doc.org), ("kind", doc.kind),
                ("masked", doc.masked_count),
            )
            if v is not None
        )  # fmt: skip
        print(f"\n{doc.title or doc.display_title or '(untitled)'}  [{meta}]")
        for s in doc.sections:
            depth = s.path.count(".")
            role = f"  <{s.role}>" if s.role and s.level <= 1 else ""
            topics = f"  {{{', '.join(s.topics)}}}" if s.topics else ""
            label = s.heading or f"({s.kind})"
            print(f"{'    ' * depth}{s.path} {s.marker}{label}{role}{topics}")


# -- reuse ---------------------------------------------------------------------------------------


def _cmd_reuse(args: argparse.Namespace) -> int:
    from huibao.text import Limits, Rejected, parse_path

    files = [args.report] if args.report else args.files
    if len(files) != (1 if args.report else 2):
        return _fail("reuse: give two files (huibao reuse A B) or one loaded report (--report F)")
    try:
        parsed = [parse_path(f, Limits.from_env(), keywords=False) for f in files]
    except Rejected as exc:
        return _fail(f"reuse: rejected: {exc}")
    if args.report:
        return _reuse_in_database(files[0], parsed[0], args.json)
    from huibao.text.reuse import compare

    a, b = (p.cleaned.text for p in parsed)
    found = compare(a, b)
    if args.json:
        out = {
            "a": {"file": files[0], "chars": len(a), "shared": _share(len(a), found, "a")},
            "b": {"file": files[1], "chars": len(b), "shared": _share(len(b), found, "b")},
            "passages": [
                {**p.as_dict(), "a_text": a[p.a_start : p.a_end], "b_text": b[p.b_start : p.b_end]}
                for p in found
            ],
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"A: {files[0]} ({len(a):,} characters of clean text)")
    print(f"B: {files[1]} ({len(b):,} characters of clean text)")
    print(
        f"{len(found)} shared passages: {_share(len(a), found, 'a'):.0%} of A, "
        f"{_share(len(b), found, 'b'):.0%} of B"
    )
    for i, p in enumerate(found, 1):
        print(
            f"\n[{i}] A {p.a_start}–{p.a_end}  B {p.b_start}–{p.b_end}  "
            f"{p.chars} characters, similarity {p.similarity:.2f}"
        )
        print(f"  A: {_clip(a[p.a_start : p.a_end])}")
        print(f"  B: {_clip(b[p.b_start : p.b_end])}")
        if p.substitutions:
            print(f"  changed: {_substitutions(p.substitutions)}")
    return 0


def _share(length: int, found, side: str) -> float:
    from huibao.text.reuse import shared_share

    spans = [(p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end) for p in found]
    return shared_share(length, spans)


def _clip(text: str, most: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else f"{text[: most - 1]}…"


def _substitutions(subs: list[dict], most: int = 8) -> str:
    shown = [f"{s['a'] or '∅'}→{s['b'] or '∅'}" for s in subs[:most]]
    return "; ".join(shown) + (f"; and {len(subs) - most} more" if len(subs) > most else "")


def _reuse_in_database(file: str, parsed, as_json: bool) -> int:
    import psycopg

    from huibao.db import engine
    from huibao.db import reuse as reuse_db
    from huibao.db.engine import DatabaseUnavailable, check_reachable, database_url

    text = parsed.cleaned.text
    try:
        url = database_url(_settings())
        check_reachable(url)
        with engine.connect(url) as conn:
            own = [
                r[0]
                for r in conn.execute(
                    "select d.id from documents d join sources s on s.id = d.source_id "
                    "where s.sha256 = %s",
                    (parsed.source.sha256,),
                )
            ]
            found = reuse_db.similar(conn, text, exclude=own)
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    except psycopg.errors.UndefinedTable:
        return _fail("reuse: the database has no reports yet (run huibao ingest first)")
    if as_json:
        out = [
            {
                "document_id": s.document_id, "title": s.title, "chars": s.chars,
                "share": _share(len(text), s.passages, "a"),
                "passages": [p.as_dict() for p in s.passages],
            }
            for s in found
        ]  # fmt: skip
        json.dump({"file": file, "chars": len(text), "similar": out}, sys.stdout,
                  ensure_ascii=False, indent=1)  # fmt: skip
        sys.stdout.write("\n")
        return 0
    print(f"{file} ({len(text):,} characters of clean text)")
    if not found:
        print("no loaded report shares a passage with it")
    for s in found:
        share = _share(len(text), s.passages, "a")
        print(
            f"\n{share:6.1%}  report {s.document_id}  {s.title or '(untitled)'}: "
            f"{len(s.passages)} passages, {s.chars:,} characters"
        )
        longest = max(s.passages, key=lambda p: p.chars)
        print(f"        {_clip(text[longest.a_start : longest.a_end], 100)}")
    return 0


# -- ingest / publish / serve / demo -------------------------------------------------------------


def _run_ingest(paths: list[str], workers: int | None, progress: bool) -> dict:
    """Run the ingest flow; the result's `wall_seconds` is the time it took as a person waits
    for it, Prefect's temporary server included."""
    import os
    import time

    from huibao.config import quiet_prefect
    from huibao.progress import Report

    started = time.monotonic()
    quiet_prefect(_settings().home)
    if not os.environ.get("PREFECT_API_URL"):
        Report(progress).step("starting a temporary Prefect server for this run (about 10 s)")
    from huibao.flows.ingest import ingest

    result = ingest(paths=paths, workers=workers, progress=progress)
    return {**result, "wall_seconds": round(time.monotonic() - started, 1)}


def _cmd_ingest(args: argparse.Namespace) -> int:
    from huibao.db.engine import DatabaseUnavailable, check_reachable, database_url
    from huibao.db.errors import database_cause, describe, is_outage

    missing = [p for p in args.paths if not Path(p).exists()]
    if len(missing) == len(args.paths):
        return _fail(f"nothing to ingest: {', '.join(missing)} not found")
    try:
        check_reachable(database_url())
        result = _run_ingest([str(Path(p).absolute()) for p in args.paths], args.workers, True)
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    except Exception as exc:
        cause = database_cause(exc)
        if cause is None:
            raise
        if is_outage(cause):
            return _fail(f"the database went away during the run: {describe(cause)}")
        return _fail(f"the database stopped the run: {describe(cause)}")
    _print_ingest(result)
    return 0


def _print_ingest(result: dict) -> None:
    wall = result.get("wall_seconds", result.get("seconds", 0))
    print(
        f"ingest: {result.get('files_seen', 0)} files — {result.get('files_new', 0)} new, "
        f"{result.get('files_changed', 0)} changed, {result.get('files_unchanged', 0)} unchanged, "
        f"{result.get('files_rejected', 0)} rejected, {result.get('files_gone', 0)} gone; "
        f"{result.get('documents_loaded', 0)} documents, {result.get('sections_loaded', 0)} "
        f"sections loaded; {wall} s in all (the run {result.get('seconds', 0)} s)"
    )
    for path, reason in result.get("rejected", [])[:20]:
        print(f"  rejected {path}: {reason}")
    still = result.get("still_rejected", [])
    for path, reason in still[:20]:
        print(f"  still rejected (unchanged since) {path}: {reason}")
    if len(still) > 20:
        print(f"  … and {len(still) - 20} more still rejected (see the sources table)")


def _publish(output: str | None, rebuild: bool = False) -> int:
    from huibao.db.engine import check_reachable, database_url
    from huibao.publish.publish import publish_site

    settings = _settings()
    check_reachable(database_url(settings))
    result = publish_site(settings, Path(output) if output else None, rebuild=rebuild)
    target = result.path
    rows = ", ".join(f"{k} {v}" for k, v in result.rows.items() if k in ("documents", "sections"))
    print(
        f"publish: {target} ({result.bytes / 1e6:.1f} MB; {rows}; "
        f"{sum(result.indexed.values())} newly indexed for search) in {result.seconds:.1f} s"
    )
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from huibao.db.engine import DatabaseUnavailable

    try:
        return _publish(args.output, args.rebuild)
    except DatabaseUnavailable as exc:
        return _fail(str(exc))


def _cmd_serve(args: argparse.Namespace) -> int:
    from huibao.serve import serve

    path = Path(args.file).absolute() if args.file else _settings().publish_path
    if args.wait:
        import time

        while not path.exists():  # e.g. a fresh stack whose first publish is still running
            time.sleep(2)
    if not path.exists():
        return _fail(f"{path} does not exist: run `huibao publish` first")
    return serve(path, host=args.host, port=args.port)


def _cmd_demo(args: argparse.Namespace) -> int:
    from huibao.serve import serve

    samples = Path(args.samples) if args.samples else _find_samples()
    if samples is None or not samples.exists():
        return _fail("cannot find the samples/ folder; pass --samples DIR")
    print(f"demo: ingesting {samples}")
    result = _run_ingest([str(samples.absolute())], None, True)
    _print_ingest(result)
    _publish(None)
    if args.no_serve:
        return 0
    return serve(_settings().publish_path, host=args.host, port=args.port)


def _find_samples() -> Path | None:
    for candidate in (Path.cwd() / "samples", Path(__file__).resolve().parent.parent / "samples"):
        if candidate.is_dir():
            return candidate
    return None


# -- schedule ------------------------------------------------------------------------------------


def _cmd_schedule(args: argparse.Namespace) -> int:
    import os

    from huibao.config import quiet_prefect
    from huibao.prefect_server import LocalPrefectServer

    settings = _settings()
    quiet_prefect(settings.home)
    inbox = Path(args.inbox).absolute() if args.inbox else settings.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        server = LocalPrefectServer(settings.home / "prefect", args.prefect_port).start()
        os.environ["PREFECT_API_URL"] = server.api_url
    try:
        os.environ["HUIBAO_DB_WRITES"] = str(args.db_writes)
        from huibao.flows.pipeline import pipeline

        every = f"every {args.interval} s" if args.interval else f"on cron '{args.cron}'"
        print(
            f"schedule: pipeline {every} over {inbox}; publishing {settings.publish_path}; "
            f"Prefect API {os.environ['PREFECT_API_URL']} (Ctrl-C to stop)",
            flush=True,
        )
        parameters = {"inbox": str(inbox), "output": str(settings.publish_path)}
        timing = {"interval": args.interval} if args.interval else {"cron": args.cron}
        # one pipeline at a time: a slow run is not overtaken by the next tick
        pipeline.serve(name="huibao-pipeline", parameters=parameters, limit=1, **timing)
    except KeyboardInterrupt:
        pass
    finally:
        if server:
            server.stop()
    return 0


# -- db ------------------------------------------------------------------------------------------


def _cmd_db(args: argparse.Namespace) -> int:
    from huibao.db.engine import (
        DatabaseUnavailable,
        database_url,
        embedded,
        libpq_url,
        upgrade,
    )

    settings = _settings()
    try:
        if args.action == "upgrade":
            print(f"db: at revision {upgrade(database_url(settings))}")
        elif args.action == "url":
            print(database_url(settings) if args.sqlalchemy else libpq_url(database_url(settings)))
        elif args.action == "start":
            print(f"db: running at {database_url(settings)}")
        elif args.action == "stop":
            if settings.database_url:
                return _fail("DATABASE_URL is set: huibao does not manage that server")
            print("db: stopped" if embedded(settings).stop() else "db: was not running")
        elif args.action == "status":
            if settings.database_url:
                print(f"db: external server {settings.database_url}")
            else:
                pg = embedded(settings)
                state = "running" if pg.is_running() else "stopped"
                print(f"db: embedded Postgres in {pg.root}, {state}, {pg.url()}")
    except DatabaseUnavailable as exc:
        return _fail(str(exc))
    return 0


# -- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huibao",
        description="汇报 huibao: Chinese government work reports into a searchable database. "
        "With no DATABASE_URL, a Postgres cluster under $HUIBAO_HOME (./.huibao) is used.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse one file without any database and print its structure")
    p.add_argument("file", help="a .txt, .md, .docx or .pdf report")
    p.add_argument("--json", action="store_true", help="print the JSON contract (see README)")
    p.add_argument("--text", action="store_true", help="with --json: include each document's text")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser(
        "ingest",
        help="run the Prefect ingest flow over files and folders (new or changed files only)",
    )
    p.add_argument("paths", nargs="+", help="files or folders of reports")
    p.add_argument("--workers", type=int, help="parser processes (default: CPU cores)")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("publish", help="export the database to a SQLite file for Datasette")
    p.add_argument("--output", help="default: $HUIBAO_HOME/huibao.db")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="copy every row again instead of only the changes since the last publish",
    )
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("serve", help="serve the published file with Datasette, read-only")
    p.add_argument("file", nargs="?", help="default: $HUIBAO_HOME/huibao.db")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine only)")
    p.add_argument("--wait", action="store_true", help="wait for the file to be published")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("demo", help="ingest samples/, publish, serve, and print the URL")
    p.add_argument("--samples", help="default: ./samples")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--no-serve", action="store_true", help="stop after publishing")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "schedule",
        help="run the pipeline (ingest the inbox, then publish) on a schedule, until stopped",
    )
    p.add_argument("--inbox", help="default: $HUIBAO_INBOX ($HUIBAO_HOME/inbox)")
    p.add_argument("--cron", default="0 * * * *", help="cron schedule (default hourly)")
    p.add_argument("--interval", type=int, help="seconds between runs, instead of --cron")
    p.add_argument("--db-writes", type=int, default=4, help="concurrent database writers")
    p.add_argument("--prefect-port", type=int, help="port of the local Prefect server")
    p.set_defaults(func=_cmd_schedule)

    p = sub.add_parser(
        "reuse",
        help="passages two report files share (no database), or with --report, the loaded "
        "reports a file shares most with",
    )
    p.add_argument("files", nargs="*", help="two .txt, .md, .docx or .pdf reports: A and B")
    p.add_argument("--report", metavar="FILE", help="a report file to look up among the loaded")
    p.add_argument("--json", action="store_true", help="print JSON (offsets into clean texts)")
    p.set_defaults(func=_cmd_reuse)

    p = sub.add_parser("db", help="the database: upgrade (migrations), url, start, stop, status")
    p.add_argument("action", choices=["upgrade", "url", "start", "stop", "status"])
    p.add_argument(
        "--sqlalchemy",
        action="store_true",
        help="url: in SQLAlchemy's form (postgresql+psycopg://…) instead of psql's",
    )
    p.set_defaults(func=_cmd_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # SIGTERM (systemd, docker stop, kill) unwinds like Ctrl-C, so that the temporary Prefect
    # server and other child processes are stopped instead of being left behind.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except BrokenPipeError:
        # `huibao parse --json F | head`: a reader that stops early ends the command quietly.
        # (Not SIGPIPE's default action: that would also kill ingest when a parser process's
        # pipe breaks, which it recovers from.)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
