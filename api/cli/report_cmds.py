"""Sub-commands that write documents from the graph: `notice`, `report releases`, `export` and
`import`. Each is thin over a `graph` service and writes to a file (`-o`) or prints."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from graph.cache import GraphCache
from graph.db import Database
from graph.errors import EdflowsError, InvalidInput
from graph.export import export_graph, import_graph, national_layers, slim_export
from graph.release_report import build_release_report
from graph.settings import get_settings
from graph.transparency import TransparencyService, check_as_of
from web.documents.exports import FOLDER_FORMATS, FORMATS, write_csv, write_graphml, write_json
from web.documents.neo4j_admin import import_command, write_neo4j_admin
from web.documents.notice import notice_blocks, to_html, to_markdown, to_pdf
from web.documents.release_report import report_html, report_markdown
from web.documents.ropa import to_csv, to_xlsx


def register(subparsers: Any) -> None:
    notice = subparsers.add_parser("notice", help='a school\'s "Where does my data go?" notice')
    notice.add_argument("--urn", required=True, help="the school's URN")
    notice.add_argument("--audience", choices=["child", "parent"], default="parent")
    notice.add_argument("--format", choices=["html", "md", "pdf"], default="html")
    notice.add_argument(
        "--part",
        choices=["main", "places", "all"],
        default="all",
        help="the child version: its main part, the list of places, or both (an appendix)",
    )
    notice.add_argument(
        "--as-of",
        type=as_of_day,
        help="the day the notice is of (YYYY-MM-DD, from 2000-01-01; default today): flows "
        "not in force that day are left out",
    )
    notice.add_argument("-o", "--output", help="file to write (default: print; pdf needs -o)")
    notice.set_defaults(handler=notice_cmd)

    ropa = subparsers.add_parser("ropa", help="a school's record of processing (Article 30)")
    ropa.add_argument("--urn", required=True, help="the school's URN")
    ropa.add_argument(
        "--as-of",
        type=as_of_day,
        help="the day the record is of (YYYY-MM-DD, from 2000-01-01; default today): other "
        "flows go to history",
    )
    ropa.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    ropa.add_argument("-o", "--output", help="file to write (default: print; xlsx needs -o)")
    ropa.set_defaults(handler=ropa_cmd)

    report = subparsers.add_parser("report", help="a report for campaigners")
    report.add_argument("kind", choices=["releases"])
    report.add_argument("--format", choices=["html", "md"], default="html")
    report.add_argument("-o", "--output", help="file to write (default: print)")
    report.set_defaults(handler=report_cmd)

    export = subparsers.add_parser("export", help="export the graph or a subgraph, with sources")
    export.add_argument(
        "--format", default="json", help=f"one of {', '.join(FORMATS)}", metavar="FORMAT"
    )
    export.add_argument("--root", help="an id or URN: export only the subgraph from it")
    export.add_argument("--depth", type=int, default=2, help="flows followed from --root")
    export.add_argument(
        "--national",
        action="store_true",
        help="only the national layer and the catalogue: no school's own layer (its map)",
    )
    export.add_argument("--layer", help="with --national: also this school's layer, school:<urn>")
    export.add_argument(
        "--slim",
        action="store_true",
        help="only ids, names, kinds, items, dates and source ids (any format; not restorable)",
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        help="file to write (csv, neo4j-admin: a folder, with the files and import.sh)",
    )
    export.set_defaults(handler=export_cmd)

    restore = subparsers.add_parser("import", help="restore a JSON export into an empty database")
    restore.add_argument("path", help="a file written by `edflows export --format json`")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="delete the knowledge first (keeps the audit trail and tokens unless --all)",
    )
    restore.add_argument(
        "--all", action="store_true", help="with --replace: delete the audit trail and tokens too"
    )
    restore.set_defaults(handler=import_cmd)


def notice_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        # one cache for the command: the notice's reaches (one per item, in parallel) share
        # the national steps, as they do in the API
        notice = TransparencyService(db, GraphCache().sync(db)).notice(args.urn, args.as_of)
    blocks = notice_blocks(notice, args.audience, args.part)
    title = f"Where does my data go? {notice.school.name}"
    if args.format == "pdf":
        if not args.output:
            raise EdflowsError("a PDF needs a file to write: add -o FILE.pdf")
        return _write(args.output, to_pdf(blocks, title))
    text = to_markdown(blocks) if args.format == "md" else to_html(blocks, title)
    return _write(args.output, text)


def as_of_day(text: str) -> date:
    """`--as-of`: a day from 2000-01-01 on; anything else is a usage error (exit 2)."""
    try:
        return check_as_of(date.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def ropa_cmd(args: argparse.Namespace) -> int:
    if args.format == "xlsx" and not args.output:
        raise EdflowsError("an XLSX needs a file to write: add -o FILE.xlsx")
    with Database(get_settings()) as db:
        record = TransparencyService(db).ropa(args.urn, args.as_of)
    if args.format == "xlsx":
        return _write(args.output, to_xlsx(record, f"Record of processing, URN {args.urn}"))
    return _write(args.output, to_csv(record))


def report_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        report = build_release_report(db)
    text = report_markdown(report) if args.format == "md" else report_html(report)
    return _write(args.output, text)


def export_cmd(args: argparse.Namespace) -> int:
    path = Path(args.output)
    refusal = _export_refusal(args.format, path)
    if refusal:
        print(f"edflows: error: {refusal}", file=sys.stderr)
        return 2
    with Database(get_settings()) as db:
        layers = national_layers(args.layer) if args.national else None
        if args.layer and not args.national:
            raise EdflowsError("--layer adds a school's layer to a --national export")
        data = export_graph(db, args.root, args.depth, layers)
    if args.slim:
        data = slim_export(data)
    admin = None
    if args.format == "json":
        write_json(data, path)
    elif args.format == "graphml":
        write_graphml(data, path)
    elif args.format == "csv":
        write_csv(data, path)
    else:
        admin = write_neo4j_admin(data, path)
    counts = data["counts"]
    print(f"Wrote {counts['nodes']} nodes and {counts['relationships']} relationships to {path}")
    if admin is not None:
        print(f"Import them with Neo4j stopped: sh {admin.script}, which runs")
        print(f"  {import_command(admin)}")
        if admin.lost_lists:
            print(
                f"edflows: warning: {admin.lost_lists} empty list values are not in the files "
                "(the import tool reads an empty array as no property)",
                file=sys.stderr,
            )
    return 0


def _export_refusal(export_format: str, path: Path) -> str | None:
    """Why `edflows export` cannot write `export_format` to `path` (checked before the graph
    is read), or None."""
    if export_format not in FORMATS:
        return f"unknown export format {export_format!r}; known formats: {', '.join(FORMATS)}"
    if export_format in FOLDER_FORMATS:
        if path.exists() and not path.is_dir():
            return f"{path} is a file; --format {export_format} writes a folder: name a folder"
        return None
    if path.is_dir():
        return f"{path} is a folder; --format {export_format} writes a file: name a file"
    if not path.parent.is_dir():
        return f"{path.parent} is not a folder: cannot write {path}"
    return None


def import_cmd(args: argparse.Namespace) -> int:
    path = Path(args.path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EdflowsError(f"cannot read {path} as a JSON export", str(exc)) from exc
    with Database(get_settings()) as db:
        counts = import_graph(db, data, replace=args.replace, keep_trail=not args.all)
    print(f"Restored {counts['nodes']} nodes and {counts['relationships']} relationships")
    if args.replace and not args.all:
        print(
            f"Kept {counts.get('audit_entries', 0)} audit entries and {counts.get('tokens', 0)} "
            "tokens (--replace --all deletes them too)."
        )
    return 0


def _write(output: str | None, content: str | bytes) -> int:
    if output is None:
        assert isinstance(content, str)
        sys.stdout.write(content)
        return 0
    path = Path(output)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    print(f"Wrote {path}", file=sys.stderr)
    return 0
