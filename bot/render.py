"""Plain-text and JSON renderings of an Answer for the terminal and the `ask` command."""

from __future__ import annotations

import json

from bot.answer import Answer
from bot.knowledge import Knowledge


def topic_title(kb: Knowledge, topic_id: str, lang: str) -> str:
    """A topic's short button title, or its id when the editors gave none."""
    texts = kb.ui.get(f"topic.{topic_id}")
    return texts.get(lang) if texts else topic_id


def as_text(answer: Answer, kb: Knowledge, full: bool = False) -> str:
    """What a terminal user reads: the text, numbered suggestions for a clarify answer, and the
    background and sources (`full`, for one-off `ask`) or how to ask for them (the chat's /more)."""
    lines = [answer.text]
    for number, topic_id in enumerate(answer.suggestions, start=1):
        lines.append(f"  {number}. {topic_title(kb, topic_id, answer.lang)}")
    if answer.more:
        lines += ["", answer.more] if full else [kb.text("more_hint", answer.lang)]
    return "\n".join(lines)


def as_line(answer: Answer, kb: Knowledge) -> str:
    """One answer on one line, for piped use of `chat`."""
    return " / ".join(part.strip() for part in as_text(answer, kb).splitlines() if part.strip())


def as_json(answer: Answer) -> str:
    """The answer contract as one JSON line."""
    return json.dumps(answer.contract(), ensure_ascii=False)
