"""Pydantic models of every knowledge field: what an editor may write, and nothing else."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from bot.contract import (
    LANGUAGES,
    UI_KEYS,
    Accept,
    CallLine,
    Lang,
    Need,
    PlaceKind,
    PlaceStatus,
    Service,
    Want,
)

__all__ = [
    "Accept",
    "CallLine",
    "Lang",
    "PlaceKind",
    "PlaceStatus",
    "Service",
]  # the vocabulary lives in bot.contract
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ANY_FOREIGN_CARD = (
    "foreign-cards"  # in `accepts`: foreign cards, network not said; in `unless`: any of them
)
FOREIGN_CARDS: frozenset[str] = frozenset(
    {ANY_FOREIGN_CARD, "visa", "mastercard", "jcb", "amex", "diners", "discover"}
)

Text = str


class Strict(BaseModel):
    """Frozen and closed: an unknown field is an editor's typo, so it is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


class Texts(Strict):
    """One text in each of the five languages; all required, none empty."""

    zh: Text
    en: Text
    ko: Text
    ru: Text
    ja: Text

    @field_validator(*LANGUAGES)
    @classmethod
    def _filled(cls, value: str) -> str:
        return _not_blank(value)

    def get(self, lang: str) -> str:
        """The text in `lang`, English when that language is unknown."""
        return getattr(self, lang, self.en)


def _phrases(values: tuple[str, ...]) -> tuple[str, ...]:
    """Phrases with none of them blank."""
    for value in values:
        _not_blank(str(value))
    return tuple(str(value) for value in values)


class Phrases(Strict):
    """Several phrases in each language; all five required and non-empty."""

    zh: tuple[Text, ...] = Field(min_length=1)
    en: tuple[Text, ...] = Field(min_length=1)
    ko: tuple[Text, ...] = Field(min_length=1)
    ru: tuple[Text, ...] = Field(min_length=1)
    ja: tuple[Text, ...] = Field(min_length=1)

    @field_validator(*LANGUAGES)
    @classmethod
    def _no_blank(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _phrases(values)

    def get(self, lang: str) -> tuple[str, ...]:
        """The phrases in `lang`, English when that language has none."""
        return getattr(self, lang, ()) or self.en

    def first(self, lang: str) -> str:
        """The first phrase in `lang`: a place's display name."""
        return self.get(lang)[0]

    def items(self) -> list[tuple[str, tuple[str, ...]]]:
        """(language, phrases) pairs in a fixed order, then `other` for the kinds that have it."""
        fields = type(self).model_fields
        return [(name, getattr(self, name)) for name in (*LANGUAGES, "other") if name in fields]


class OptionalPhrases(Phrases):
    """Phrases where a language may be left out (keywords)."""

    zh: tuple[Text, ...] = ()
    en: tuple[Text, ...] = ()
    ko: tuple[Text, ...] = ()
    ru: tuple[Text, ...] = ()
    ja: tuple[Text, ...] = ()


class OtherLanguages(Strict):
    """`other`: phrases in the languages we answer in English (de, fr, es, vi ...), any of them mixed."""

    other: tuple[Text, ...] = ()

    @field_validator("other")
    @classmethod
    def _no_blank_other(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _phrases(values)


class Keywords(OptionalPhrases, OtherLanguages):
    """Keywords per language, plus `other`."""


class Examples(Phrases, OtherLanguages):
    """Example questions: at least one in each of our languages, plus `other` (optional): questions in other
    languages, so that a visitor writing German or Vietnamese has neighbours in their own language."""


class ShortTexts(Strict):
    """The older person's version of an answer; any language may be given."""

    zh: Text | None = None
    en: Text | None = None
    ko: Text | None = None
    ru: Text | None = None
    ja: Text | None = None


class Call(Strict):
    """Who an older person is told to call after the short steps, and the source that says so.

    Only the complaint line has a number here; the card's bank is on the card, a counter has none.
    """

    line: CallLine
    phone: str | None = Field(default=None, pattern=r"^[0-9]{3,11}$")
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _phone_fits_the_line(self) -> Call:
        if self.line == "complaint-line" and self.phone is None:
            raise ValueError("complaint-line needs its phone")
        if self.line != "complaint-line" and self.phone is not None:
            raise ValueError(
                f"{self.line} has no phone of ours (it is on the card, or there is none)"
            )
        return self


class Topic(Strict):
    """One FAQ topic: how people ask it and what we answer."""

    id: str = Field(pattern=ID_PATTERN)
    source: str = Field(min_length=1)
    as_of: date
    related: tuple[str, ...] = ()
    keywords: Keywords = Keywords()
    examples: Examples
    answer: Texts
    short: ShortTexts = ShortTexts()
    call: Call | None = None  # elder mode's call line after the short steps; none when left out
    # Its questions are about leaving China, so they may name where the visitor goes next ("can I change my
    # leftover money back in Korea?"): such a place is not "paying abroad" (bot/abroad.py).
    leaving: bool = False

    @field_validator("call")
    @classmethod
    def _not_said_twice(cls, call: Call | None, info: ValidationInfo) -> Call | None:
        """A number the short text already gives is not added again (12363 right after 12363)."""
        short = info.data.get("short")
        if call is not None and call.phone and short is not None:
            for lang in LANGUAGES:
                if call.phone in (getattr(short, lang) or ""):
                    raise ValueError(f"short.{lang} already gives {call.phone}; leave call out")
        return call


class Coords(Strict):
    """WGS-84 coordinates, only where a source gives them."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Place(Strict):
    """A venue, ATM, bank branch, exchange counter or payment service center.

    `status`: checked when a source says the place exists with what it lists; planned when only a
    plan says it should (then `accepts`/`services` are the plan's promises, never shown as facts).
    `address`, `phone`, `hours` only when a source gives them, as the source writes them.
    """

    id: str = Field(pattern=ID_PATTERN)
    kind: PlaceKind
    city: str
    status: PlaceStatus
    parent: str | None = None
    coords: Coords | None = None
    names: Phrases
    accepts: tuple[Accept, ...] = ()
    services: tuple[Service, ...] = ()
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
    summary: Texts
    source: str = Field(min_length=1)
    as_of: date

    @property
    def takes_foreign_cards(self) -> bool:
        """True when the record says any foreign card network is accepted."""
        return bool(FOREIGN_CARDS.intersection(self.accepts))


class NeedNote(Strict):
    """A line after each verdict on a need ("cash must be accepted"): a ui.yaml text, left out when the
    place's record lists one of `unless` (foreign cards: no "ask whether they take foreign cards").
    `foreign-cards` there stands for every foreign card network too (FOREIGN_CARDS)."""

    text: str
    unless: tuple[Accept, ...] = ()

    def left_out_at(self, accepts: tuple[str, ...]) -> bool:
        """True when a place that accepts `accepts` makes this note needless."""
        unless = set(self.unless) | (FOREIGN_CARDS if ANY_FOREIGN_CARD in self.unless else set())
        return bool(unless.intersection(accepts))

    @field_validator("text")
    @classmethod
    def _a_ui_text(cls, value: str) -> str:
        if value not in UI_KEYS:
            raise ValueError(f"no text {value!r} in ui.yaml's contract (bot/contract.py UI)")
        return value


class NeedEntry(Strict):
    """One need: how people name it, what a record must list to meet it, the map search and the card for a local."""

    id: Need
    want: Want | None = None  # the nearby search it maps to, when there is one
    topics: tuple[str, ...] = ()  # FAQ topics about this need
    words: Phrases
    accepts: tuple[Accept, ...] = ()
    services: tuple[Service, ...] = ()
    label: Texts
    search: str = Field(min_length=1)  # what to type into a Chinese map app
    local: str = Field(min_length=1)  # the sentence a visitor shows a local, in Chinese
    meaning: Texts  # what the sentence says, for the visitor
    note: NeedNote | None = None
    source: str = Field(min_length=1)
    as_of: date


class NeedsFile(Strict):
    """knowledge/needs.yaml: the words of a "where" question, and every need."""

    where: Phrases
    needs: tuple[NeedEntry, ...] = Field(min_length=1)


class Region(Strict):
    """A province or a city, with its names in every language."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["province", "city"]
    province: str | None = None
    names: Phrases


class Names(Phrases, OtherLanguages):
    """A country's names: the first in each language is shown, all are looked for; `other` as in Examples."""


class Country(Strict):
    """Mainland China, which PayHelp covers, or a country or territory outside it (knowledge/countries.yaml);
    kind `home` is no place but the words that, near a country's name, make it the writer's home."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["mainland", "abroad", "home"]
    names: Names
    # Languages of the people who live there: a message in one of them that names the country names the
    # writer's home ("한국에서 환전해 갈까요?": exchange in Korea before leaving), not where they will pay.
    home: tuple[
        Annotated[str, Field(pattern=r"^[a-z]{2,3}$")], ...
    ] = ()  # ISO 639-1 codes: ko, vi, de ...

    @field_validator("names")
    @classmethod
    def _stars(cls, names: Names, info: ValidationInfo) -> Names:
        """A * (any ending or beginning) belongs only to the home words, and only at a word's start or end."""
        for _, group in names.items():
            for name in group:
                if "*" in name and info.data.get("kind") != "home":
                    raise ValueError(
                        f"{name!r}: a * belongs only in the home-words entry (kind: home)"
                    )
                core = name.strip("*")
                if "*" in core or not any(char.isalpha() for char in core):
                    raise ValueError(f"{name!r}: a * only at a word's start or end, around letters")
        return names

    @field_validator("home")
    @classmethod
    def _home_of_a_place(cls, home: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if home and info.data.get("kind") == "home":
            raise ValueError("the home words have no home languages: only a country does")
        return home


class Intent(Strict):
    """Greeting, thanks, handoff or out-of-scope: recognised by examples like a topic, never answered from them."""

    id: Literal["greeting", "thanks", "handoff", "out-of-scope"]
    source: str = Field(min_length=1)
    as_of: date
    examples: Examples
    call: Call | None = None  # out-of-scope: elder mode's call line after the fallback text


class KindWords(Strict):
    """The words for one kind of place in every language ("机场", "airport", "공항" ...)."""

    id: PlaceKind
    words: Phrases
