"""Questions people really asked on public pages (knowledge/asked.jsonl): examples for the meaning only.

Each line is a question as its author wrote it (a headline, a forum post, a story that ends in a question),
the topic that answers it, its page's address and when it was gathered. The sentence vectors read them
(bot/semantic.py); the words do not: long stories' words pulled the lexical matcher off (2026-12-07, real
tuning halves, each judged without its own lines: +10 right and +9 one tap of 357 with the meaning only,
but +13 wrong answers with the words too). A question of a held-out half is never one of them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.crosscheck import Collector

FILE = "asked.jsonl"  # in the knowledge folder
HELD_OUT = "tests/real/held-out*.jsonl"  # questions that must never be examples (knowledge/tests/real/README.md)


class Asked(BaseModel):
    """One real question and the topic that answers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")  # the page it was written on
    wrote: str = Field(min_length=2)  # the language it was written in (zh, zh-Hant, de ...)
    genre: str = ""  # forum, qa, blog, news-quote, headline, faq-page ...
    as_of: date  # when it was gathered


def load_asked(collect: Collector, root: Path, topic_ids: set[str]) -> tuple[Asked, ...]:
    """Every valid line of root/asked.jsonl (none when there is no such file); problems by file, line, field."""
    path = root / FILE
    if not path.exists():
        return ()
    held_out = _held_out_texts(root)
    found: list[Asked] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            asked = Asked.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            collect.add(path, number, "line", f"not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            for error in exc.errors():
                name = ".".join(str(part) for part in error["loc"]) or "line"
                collect.add(path, number, name, error["msg"])
            continue
        if asked.topic not in topic_ids:
            collect.add(path, number, "topic", f"no topic {asked.topic!r}")
        elif asked.text in held_out:
            collect.add(path, number, "text", "a held-out question must never be an example")
        elif asked.text in seen:
            collect.add(path, number, "text", "already on an earlier line", "warning")
        else:
            seen.add(asked.text)
            found.append(asked)
    return tuple(found)


def _held_out_texts(root: Path) -> set[str]:
    """The texts of every held-out real question beside the knowledge (none in a folder without tests)."""
    texts: set[str] = set()
    for path in sorted(root.glob(HELD_OUT)):
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            try:
                case = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                continue  # the regression checks report it
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                texts.add(case["text"])
    return texts
