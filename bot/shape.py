"""The shape of an FAQ answer: the steps first, background and sources behind "more", and in elder
mode the short steps with the one call line the knowledge names for the topic (or none)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge import Knowledge
from bot.language import another_language
from bot.schema import Call, Topic

BACKGROUND = "•"  # an answer line starting with this (not indented) is background: behind "more"


@dataclass(frozen=True)
class Shaped:
    """What an answer shows at once, and what its "more" button shows."""

    text: str
    more: str


def _tidy(lines: list[str]) -> str:
    """The lines joined, with no run of blank lines and none at either end."""
    kept: list[str] = []
    for line in lines:
        if line.strip() or (kept and kept[-1].strip()):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def front_and_back(answer: str) -> tuple[str, str]:
    """Split an answer into its steps (every line but the background ones; an indented • belongs to its step)
    and its background lines."""
    front: list[str] = []
    back: list[str] = []
    for line in answer.splitlines():
        (back if line.startswith(BACKGROUND) else front).append(line)
    return _tidy(front), _tidy(back)


def call_line(kb: Knowledge, call: Call | None, lang: str) -> str | None:
    """The sentence telling an older person whom to call, or None where the knowledge names no one."""
    if call is None:
        return None
    return kb.text(f"call.{call.line}", lang, phone=call.phone or "")


def shape(kb: Knowledge, topic: Topic, lang: str, elder: bool) -> Shaped:
    """A topic's answer in `lang`: steps first; in elder mode the short version and its call line."""
    full = topic.answer.get(lang)
    source = kb.text("faq_source", lang, source=topic.source, date=topic.as_of.isoformat())
    front, back = front_and_back(full)
    short = getattr(topic.short, lang, None) if elder else None
    if short:
        front, back = short.strip(), full.strip()  # "more" is then the whole answer
    call = call_line(kb, topic.call, lang) if elder else None
    text = f"{front}\n\n{call}" if call else front
    return Shaped(text, "\n\n".join(part for part in (back, source) if part))


def with_note(kb: Knowledge, text: str, detected: str) -> str:
    """Prefix the one-line note when the user wrote in a language we don't answer in."""
    if another_language(detected):
        return kb.text("other_language", "en") + "\n\n" + text
    return text
