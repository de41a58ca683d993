"""Questions people really asked on public pages (knowledge/asked.jsonl): examples for the meaning only.

Each line is a question as its author wrote it (a headline, a forum post, a story that ends in a question),
the topic that answers it, its page's address and when it was gathered. The sentence vectors read them
(bot/semantic.py); the words do not: long stories' words pulled the lexical matcher off (2026-12-07, real
tuning halves, each judged without its own lines: +10 right and +9 one tap of 357 with the meaning only,
but +13 wrong answers with the words too). No question of a held-out half, nor any question from the same
page as one, is ever one of them: the held-out figures must stand for pages never seen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.crosscheck import Collector, Rows, json_lines

FILE = "asked.jsonl"  # in the knowledge folder
REAL = "real"  # the real questions' batches, in the knowledge's tests folder (knowledge/tests/real)
TUNING_HALVES = "tune*.jsonl"  # may be examples
HELD_OUT_HALVES = "held-out*.jsonl"  # never: measured only (knowledge/tests/real/README.md)


class Asked(BaseModel):
    """One real question and the topic that answers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    topic: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")  # the page it was written on
    wrote: str = Field(min_length=2)  # the language it was written in (zh, zh-Hant, de ...)
    genre: str = ""  # forum, qa, blog, news-quote, headline, faq-page ...
    as_of: date  # when it was gathered

    @field_validator("text")
    @classmethod
    def _says_something(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("must not be blank")
        return text


_NOT_WORDS = re.compile(r"[^\w\s]+")  # punctuation and symbols: a final "?", quotes, 【】, emoji


def same_text(text: str) -> str:
    """A question as compared with another: width, case, spacing, punctuation and symbols do not make it a new
    one."""
    folded = _NOT_WORDS.sub(" ", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def same_page(url: str) -> str:
    """A page address as compared with another: scheme, "www.", "m." and a final slash do not matter."""
    page = re.sub(r"^https?://(?:www\.|m\.)?", "", url.strip().split("#")[0]).rstrip("/").casefold()
    host, _, rest = page.partition("/")
    return host.rstrip(".") + ("/" + rest if rest else "")


class HeldOut:
    """The held-out real questions beside a knowledge folder: their texts and their pages, and the texts of
    tuning questions taken from those pages (the same question copied from another address is still from a
    held-out page), from the real batches' rows (knowledge/tests/real/*.jsonl) as bot/knowledge.py has read
    them for their check."""

    def __init__(self, batches: Mapping[Path, Rows]) -> None:
        self.texts: set[str] = set()
        self.pages: set[str] = set()
        self.page_texts: set[str] = set()
        halves = sorted(batches.items())
        for text, url in _questions(r for p, r in halves if fnmatch(p.name, HELD_OUT_HALVES)):
            self.texts.add(same_text(text))
            if url is not None:
                self.pages.add(same_page(url))
        for text, url in _questions(r for p, r in halves if fnmatch(p.name, TUNING_HALVES)):
            if url is not None and same_page(url) in self.pages:
                self.page_texts.add(same_text(text))

    @classmethod
    def read(cls, root: Path) -> HeldOut:
        """The held-out questions beside a knowledge folder, read quietly: a broken line is skipped here, for
        the regression files' check (bot/crosscheck.py) reports it with every other test file."""
        quiet = Collector(root)
        return cls({p: list(json_lines(quiet, p)) for p in (root / "tests" / REAL).glob("*.jsonl")})

    def why_not(self, text: str, url: str) -> str | None:
        """Why a question may not be an example, or None when it may."""
        if same_text(text) in self.texts:
            return "a held-out question must never be an example"
        if same_page(url) in self.pages or same_text(text) in self.page_texts:
            return "a question from the same page as a held-out one must never be an example"
        return None


def _questions(batches: Iterable[Rows]) -> Iterator[tuple[str, str | None]]:
    """(text, page address or None) of every line with a text of the real batches' rows."""
    for rows in batches:
        for _, row in rows:
            text, url = row.get("text"), row.get("url")
            if isinstance(text, str):
                yield text, url if isinstance(url, str) else None


def load_asked(
    collect: Collector,
    root: Path,
    topic_ids: set[str],
    held_out: HeldOut,
    today: date | None = None,
) -> tuple[Asked, ...]:
    """Every valid line of root/asked.jsonl (none when there is no such file) that `held_out` does not
    refuse; problems by file, line, field."""
    path = root / FILE
    if not path.exists():
        return ()
    found: dict[str, Asked] = {}
    for number, row in json_lines(collect, path):
        try:
            asked = Asked.model_validate(row)
        except ValidationError as exc:
            for error in exc.errors():
                name = ".".join(str(part) for part in error["loc"]) or "line"
                collect.add(path, number, name, error["msg"])
            continue
        earlier = found.get(same_text(asked.text))
        refused = held_out.why_not(asked.text, asked.url)
        if asked.topic not in topic_ids:
            collect.add(path, number, "topic", f"no topic {asked.topic!r}")
        elif refused:
            collect.add(path, number, "text", refused)
        elif asked.as_of > (today or date.today()):
            collect.add(path, number, "as_of", "in the future")
        elif earlier is not None and earlier.topic != asked.topic:
            collect.add(
                path, number, "topic", f"an earlier line gives this question {earlier.topic}"
            )
        elif earlier is not None:
            collect.add(path, number, "text", "already on an earlier line", "warning")
        else:
            found[same_text(asked.text)] = asked
    return tuple(found.values())
