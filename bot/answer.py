"""The core's input (Query) and output (Answer): the contract every front end renders."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.contract import Want

# The related topics a channel shows as buttons under an answer, at most (the first of `Answer.related`).
SHOWN_RELATED = 3
Kind = Literal["faq", "place", "nearby", "clarify", "greeting", "thanks", "handoff", "fallback"]
__all__ = ["SHOWN_RELATED", "Answer", "Kind", "Link", "Query", "Want"]


class Query(BaseModel):
    """One incoming message: text or a location, with the language hints we have."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    hint: str | None = None  # Telegram language_code, e.g. "ko" or "en-US"
    saved_lang: str | None = None  # the user's stored choice
    elder: bool = False  # older person's mode: short numbered steps
    want: Want | None = None  # what a shared location is for
    lang: str | None = (
        None  # answer in this language whatever the text is written in (staff's Chinese version)
    )


class Link(BaseModel):
    """A link a channel shows beside an answer: a map search that opens the user's map app."""

    model_config = ConfigDict(frozen=True)

    label: str
    url: str


class Answer(BaseModel):
    """What the bot says back; frozen so a front end can only render it."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    lang: str
    text: str
    topic: str | None = None
    places: tuple[str, ...] = ()
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    suggestions: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    distances_m: tuple[int, ...] = ()  # for nearby: one per place
    near: tuple[float, float] | None = (
        None  # for nearby: the shared point (to answer it again in Chinese)
    )
    detected: str = ""  # the language the text looked like (may be unsupported, e.g. "de")
    want: Want | None = None
    more: str | None = None  # an FAQ answer's background and sources, shown on request ("more")
    links: tuple[Link, ...] = ()  # map searches for what was asked, near the user or in the city
    show_local: str | None = (
        None  # a Chinese sentence the visitor shows a taxi driver or shop assistant
    )

    def contract(self) -> dict[str, Any]:
        """The JSON object promised to CLI users, benchmarks and tools."""
        return self.model_dump(mode="json")
