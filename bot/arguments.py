"""The command line's grammar: every command and option of `python -m bot`, with a one-line error for a
bad option (the README documents each; tests/test_docs.py checks)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from bot.contract import LANGUAGES, WANTS


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr (no usage block): `--lat 95` says what is wrong."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Every command and option; the README documents each one (a test checks)."""
    parser = _Parser(prog="python -m bot", description="PayHelp: paying in China made easy.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser(
        "run",
        help="the web chat (unless WEB_PORT=0) and Telegram when TELEGRAM_BOT_TOKEN is set; with neither, the terminal chat",
    )
    qr = sub.add_parser("qr", help="a QR code (PNG) of WEB_PUBLIC_URL for a poster or a guide")
    qr.add_argument("--place", help="a place id: the chat opens knowing where the person is")
    qr.add_argument("--lang", choices=LANGUAGES, help="the language the chat opens in")
    qr.add_argument("--out", required=True, help="the PNG file to write")
    chat = sub.add_parser("chat", help="the terminal chat (reads lines from a pipe too)")
    chat.add_argument("--lang", help="answer language to start with (zh, en, ko, ru, ja)")
    ask = sub.add_parser("ask", help="answer one question, or JSON lines with --jsonl")
    ask.add_argument("text", nargs="?", help="the question")
    ask.add_argument("--lang", help="the user's Telegram language_code, as a hint")
    ask.add_argument("--lat", type=_degrees(90), help="latitude of a shared location (-90 to 90)")
    ask.add_argument(
        "--lon", type=_degrees(180), help="longitude of a shared location (-180 to 180)"
    )
    ask.add_argument("--want", choices=WANTS, help="what to look for near the location")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help="read {text, lang, lat, lon} objects from stdin, one a line",
    )
    bench = sub.add_parser("bench", help="speed, memory and answer quality, and how they grow")
    bench.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    bench.add_argument(
        "--out", default="bench-results.json", help="where to write the JSON figures"
    )
    kb = sub.add_parser("kb", help="tools for the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_sub.add_parser("check", help="validate every knowledge file")
    stats = kb_sub.add_parser("stats", help="coverage of topics, languages and places")
    stats.add_argument("--json", action="store_true", help="print JSON")
    test = kb_sub.add_parser("test", help="run the regression questions in knowledge/tests")
    test.add_argument(
        "--min-top1", type=float, default=0.9, help="fail below this top-1 share (default 0.9)"
    )
    test.add_argument(
        "--verbose", action="store_true", help="show the candidate scores of each miss"
    )
    imp = kb_sub.add_parser(
        "import-places",
        help="validate a CSV or GeoJSON ledger of places and write it as a place file",
    )
    imp.add_argument("file", help="the CSV (UTF-8, BOM or not) or GeoJSON (e.g. an OSM export)")
    imp.add_argument(
        "--out",
        help="where to write the place file (default: places/<file name>.yaml in KNOWLEDGE_DIR)",
    )
    exp = kb_sub.add_parser(
        "export-places", help="every place as CSV, in the columns import-places reads"
    )
    exp.add_argument("--out", help="write the CSV here instead of to stdout")
    kb_sub.add_parser(
        "unanswered",
        help="questions that fell back or got 👎 (from DATABASE_PATH), most frequent first",
    )
    kb_sub.add_parser(
        "vectors",
        help="encode the example questions' vectors into VECTOR_CACHE_PATH now (make does it once)",
    )
    report = sub.add_parser(
        "report", help="complaints as CSV and the places against the plans' aims"
    )
    report.add_argument("--csv", default="complaints.csv", help="where to write the complaints CSV")
    staff = sub.add_parser("staff", help="accounts of the staff console in the browser (/staff)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser(
        "add", help="add an account (or set a new password); the password is read from stdin"
    )
    add.add_argument("name", help="the staff name shown in logs and replies")
    staff_sub.add_parser("list", help="the staff names")
    remove = staff_sub.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    return parser


def _degrees(limit: float) -> Callable[[str], float]:
    """An argparse type: a number of degrees between -limit and limit."""

    def parse(text: str) -> float:
        value = float(text)
        if not -limit <= value <= limit:
            raise argparse.ArgumentTypeError(
                f"must be between {-limit:g} and {limit:g} (got {text})"
            )
        return value

    parse.__name__ = "number"  # argparse says "invalid number value: 'x'"
    return parse
