"""The terminal chat: talk to PayHelp without Telegram, interactively or through a pipe.

Commands work the same from a keyboard and from a pipe: /lang xx, /elder, /more (or "more": the
last answer's background and sources), /local (the cards to show a local), /quit, and a number
picks a suggestion of the last answer. No help desk sits behind the terminal, so a request for a
person gets the hotline, never a promise that someone will answer here. What is asked is recorded
like the other channels' questions, so `kb unanswered` sees it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from bot.answer import Answer, Query
from bot.contract import LANGUAGES
from bot.engine import Engine
from bot.knowledge import Knowledge
from bot.question import tap
from bot.render import as_line, as_text
from bot.storage import Store
from bot.where import cards_text

PROMPT = "> "
MORE_COMMANDS = ("/more", "more")  # show the last answer's background and sources
TERMINAL_USER = (
    0  # the one user of a terminal chat, for statistics (stored as an HMAC like every user id)
)


class Recorder(Protocol):
    """Where a channel records what it was asked (Store.log_event's arguments, without the user)."""

    def __call__(self, lang: str, kind: str, topic: str | None, text: str | None) -> None: ...


class StoreRecorder:
    """Records the terminal's questions in the SQLite store at `path`, on one event loop kept for the chat.

    A database that cannot be used is said once on `warn`; the chat goes on without recording.
    """

    def __init__(self, path: Path, warn: IO[str]) -> None:
        self.path, self.warn = path, warn
        self._runner = asyncio.Runner()
        self._store = Store(path)
        self._failed = False

    def __call__(self, lang: str, kind: str, topic: str | None, text: str | None) -> None:
        if self._failed:
            return
        try:
            self._runner.run(self._record(lang, kind, topic, text))
        except (sqlite3.Error, OSError) as exc:
            self._failed = True
            self.warn.write(
                f"payhelp: questions are not recorded: cannot use the database {self.path} (DATABASE_PATH): {exc}\n"
            )

    async def _record(self, lang: str, kind: str, topic: str | None, text: str | None) -> None:
        """Log the question, and wait for a batch it started: the chat's loop runs only during a call."""
        await self._store.log_event(TERMINAL_USER, lang, kind, topic, text)
        await self._store.written()
        if self._store.write_error is not None:
            raise self._store.write_error

    def close(self) -> None:
        """Write what is kept in memory and close the database."""
        try:
            self._runner.run(self._store.close())
        finally:
            self._runner.close()


def without_help_desk(answer: Answer, kb: Knowledge) -> Answer:
    """A request for a person where no help desk listens: the hotline instead of a promise."""
    return answer.model_copy(update={"text": kb.text("handoff_unavailable", answer.lang)})


@dataclass
class _State:
    """What the user chose so far and the last answer's suggestions."""

    saved: str | None = None
    elder: bool = False
    last_lang: str = "en"
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    last_topic: str | None = None  # the topic whose "more" /more shows


def run_chat(
    engine: Engine,
    stdin: IO[str],
    stdout: IO[str],
    interactive: bool,
    lang: str | None = None,
    record: Recorder | None = None,
) -> int:
    """Answer each line until the input ends or /quit; interactive use adds a greeting and a prompt."""
    state = _State(
        saved=lang if lang in LANGUAGES else None, last_lang=lang if lang in LANGUAGES else "en"
    )
    if not interactive:
        engine.settle(
            only_if_cached=True
        )  # piped lines get the same answers as `ask` when the vectors are cached
    if interactive:
        kb = engine.responder.kb
        greeting = engine.answer(Query(text="hello", saved_lang=state.saved))
        stdout.write(
            kb.text("greeting", greeting.lang)
            + f"\n(/lang {'|'.join(LANGUAGES)}, /elder, /more, /local, /quit)\n"
        )
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if text in ("/quit", "/exit"):
            return 0
        if not text:
            continue
        reply = _reply(engine, state, text, record)
        kb = engine.responder.kb  # the snapshot may change on reload
        if isinstance(reply, Answer):
            reply = as_text(reply, kb) if interactive else as_line(reply, kb)
        stdout.write(reply + ("\n\n" if interactive else "\n"))
        stdout.flush()


def _reply(engine: Engine, state: _State, text: str, record: Recorder | None) -> Answer | str:
    """A command's confirmation, or the answer to a pick or a question (recorded)."""
    kb = engine.responder.kb
    if text == "/lang" or text.startswith("/lang "):
        choice = text.split()[-1].lower()
        if choice not in LANGUAGES:
            return "/lang " + "|".join(LANGUAGES)
        state.saved = state.last_lang = choice
        return kb.text("language_set", choice)
    if text == "/local":
        return cards_text(kb, state.saved or state.last_lang)
    if text == "/elder":
        state.elder = not state.elder
        return kb.text("elder_on" if state.elder else "elder_off", state.saved or state.last_lang)
    if text.lower() in MORE_COMMANDS:
        if state.last_topic is None:
            return kb.text("more_none", state.saved or state.last_lang)
        answer = engine.responder.more(state.last_topic, state.last_lang, state.elder)
        question = tap("more", state.last_topic)
    elif text.isdigit() and 0 < int(text) <= len(state.suggestions):
        topic = state.suggestions[int(text) - 1]
        answer = engine.responder.faq(topic, state.last_lang, elder=state.elder)
        question = tap("pick", topic)
    else:
        answer = engine.answer(Query(text=text, saved_lang=state.saved, elder=state.elder))
        question = text
    if answer.kind == "handoff":
        answer = without_help_desk(answer, kb)
    state.suggestions, state.last_lang = answer.suggestions, answer.lang
    state.last_topic = answer.topic if answer.more else None
    if record is not None:
        record(answer.lang, answer.kind, answer.topic, question)
    return answer
