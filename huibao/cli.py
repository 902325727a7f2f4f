"""The `huibao` command. It parses arguments and calls the library; nothing else lives here."""

from __future__ import annotations

import argparse
import json
import sys


def _cmd_parse(args: argparse.Namespace) -> int:
    from huibao.text import Rejected, parse_path, to_json

    try:
        parsed = parse_path(args.file)
    except Rejected as exc:
        print(f"huibao: {args.file}: rejected: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(to_json(parsed, with_text=args.text), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_outline(parsed)
    return 0


def _print_outline(parsed) -> None:
    if parsed.collection_title:
        print(f"《{parsed.collection_title}》")
    for doc in parsed.documents:
        meta = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("year", doc.year), ("period", doc.period), ("level", doc.admin_level),
                ("org", doc.org), ("kind", doc.kind), ("masked", doc.masked_count),
            )
            if v is not None
        )  # fmt: skip
        print(f"\n{doc.title or '(untitled)'}  [{meta}]")
        for s in doc.sections:
            indent = "  " * max(s.level, 0)
            role = f"  <{s.role}>" if s.role and s.level <= 1 else ""
            topics = f"  {{{', '.join(s.topics)}}}" if s.topics else ""
            label = s.heading or f"({s.kind})"
            print(f"{indent}{s.path:>6} {s.marker}{label}{role}{topics}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huibao",
        description="汇报 huibao: Chinese government work reports into a searchable database.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="parse one file without any database and print its structure")
    p.add_argument("file", help="a .txt, .md, .docx or .pdf report")
    p.add_argument("--json", action="store_true", help="print the JSON contract (see README)")
    p.add_argument("--text", action="store_true", help="with --json: include each document's text")
    p.set_defaults(func=_cmd_parse)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
