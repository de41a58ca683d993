"""The terminal chat: talk to PayHelp without Telegram, interactively or through a pipe."""

from __future__ import annotations

from typing import IO

from bot.answer import Query
from bot.engine import Engine
from bot.language import SUPPORTED
from bot.render import as_line, as_text

PROMPT = "> "


def run_chat(engine: Engine, stdin: IO[str], stdout: IO[str], interactive: bool, lang: str | None = None) -> int:
    """Answer each line; interactive users may pick a suggestion by number, or type /lang xx, /elder, /quit."""
    kb = lambda: engine.responder.kb  # noqa: E731 - the snapshot may change on reload
    if not interactive:
        engine.settle(only_if_cached=True)  # piped lines get the same answers as `ask` when the vectors are cached
    saved = lang
    elder = False
    suggestions: tuple[str, ...] = ()
    last_lang = lang or "en"
    if interactive:
        greeting = engine.answer(Query(text="hello", saved_lang=saved or None))
        stdout.write(kb().text("greeting", greeting.lang) + "\n(/lang zh|en|ko|ru|ja, /elder, /quit)\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if interactive and text in ("/quit", "/exit"):
            return 0
        if interactive and text.startswith("/lang"):
            choice = text.split()[-1].lower()
            saved = choice if choice in SUPPORTED else saved
            stdout.write(f"lang = {saved}\n")
            continue
        if interactive and text == "/elder":
            elder = not elder
            stdout.write(f"elder = {elder}\n")
            continue
        if interactive and text.isdigit() and 0 < int(text) <= len(suggestions):
            answer = engine.responder.faq(suggestions[int(text) - 1], last_lang, elder=elder)
        elif not text and interactive:
            continue
        else:
            answer = engine.answer(Query(text=text, saved_lang=saved, elder=elder))
        suggestions, last_lang = answer.suggestions, answer.lang
        stdout.write((as_text(answer, kb()) if interactive else as_line(answer, kb())) + "\n")
        if interactive:
            stdout.write("\n")
        stdout.flush()

