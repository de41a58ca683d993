"""Callback data: what a button asks for, typed (as aiogram's CallbackData), with its encoder and decoder.

The wire format (at most 64 bytes, Telegram's limit) is private to encode() and decode(); channels only see
these types. The main menu and elder mode's big buttons are lists of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.contract import LANGUAGES, WANTS, Lang, Want


@dataclass(frozen=True)
class OpenTopic:
    """Open one FAQ topic."""

    topic: str


@dataclass(frozen=True)
class Person:
    """Talk to a person (the help desk)."""


@dataclass(frozen=True)
class Menu:
    """Show the main menu."""


@dataclass(frozen=True)
class NoneOfThese:
    """None of the suggested topics fits."""


@dataclass(frozen=True)
class ElderMode:
    """Turn older person's mode on or off."""


@dataclass(frozen=True)
class PickLanguage:
    """Offer the five languages."""


@dataclass(frozen=True)
class SetLanguage:
    """Answer in this language from now on."""

    lang: Lang


@dataclass(frozen=True)
class Feedback:
    """👍 or 👎 for the topic or place (`subject`) an answer was about."""

    helpful: bool
    subject: str | None = None


@dataclass(frozen=True)
class Near:
    """Look for this near the last shared location."""

    want: Want


@dataclass(frozen=True)
class More:
    """The rest of a topic's answer: background and sources."""

    topic: str


@dataclass(frozen=True)
class LocalCards:
    """Show the "show this to a local" cards."""


@dataclass(frozen=True)
class Complain:
    """Start a complaint."""


@dataclass(frozen=True)
class SkipDate:
    """File the complaint without a date."""


Action = (
    OpenTopic
    | Person
    | Menu
    | NoneOfThese
    | ElderMode
    | PickLanguage
    | SetLanguage
    | Feedback
    | Near
    | More
    | LocalCards
    | Complain
    | SkipDate
)
_FIXED: Mapping[str, Action] = MappingProxyType(
    {
        "h": Person(),
        "m": Menu(),
        "n": NoneOfThese(),
        "e": ElderMode(),
        "lang": PickLanguage(),
        "c": Complain(),
        "cs": SkipDate(),
        "lc": LocalCards(),
    }
)
_FIXED_DATA: Mapping[type, str] = MappingProxyType(
    {type(action): data for data, action in _FIXED.items()}
)
CALLBACK_LIMIT = 64  # bytes, Telegram's limit


def encode(action: Action) -> str:
    """The callback data of a button (at most 64 bytes; ids are ASCII)."""
    if isinstance(action, OpenTopic):
        data = f"t:{action.topic}"
    elif isinstance(action, SetLanguage):
        data = f"l:{action.lang}"
    elif isinstance(action, Feedback):
        data = f"f:{int(action.helpful)}:{action.subject or ''}"
    elif isinstance(action, Near):
        data = f"w:{action.want}"
    elif isinstance(action, More):
        data = f"mo:{action.topic}"
    else:
        data = _FIXED_DATA[type(action)]
    return data.encode()[:CALLBACK_LIMIT].decode(errors="ignore")


def decode(data: object) -> Action | None:
    """The action a button's callback data asks for; None for data we never sent (stale or forged)."""
    if not isinstance(data, str) or not data:
        return None
    fixed = _FIXED.get(data)
    if fixed is not None:
        return fixed
    prefix, _, rest = data.partition(":")
    if prefix == "t" and rest:
        return OpenTopic(rest)
    if prefix == "l" and rest in LANGUAGES:
        return SetLanguage(rest)
    if prefix == "w" and rest in WANTS:
        return Near(rest)
    if prefix == "mo" and rest:
        return More(rest)
    if prefix == "f":
        flag, _, subject = rest.partition(":")
        if flag in ("0", "1"):
            return Feedback(flag == "1", subject or None)
    return None


def wants(*kinds: type) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: the data decodes to one of `kinds`."""
    return lambda data: isinstance(decode(data), kinds)


# The main menu: (label key, action); elder mode's big reply-keyboard buttons are six of these.
MENU: tuple[tuple[str, Action], ...] = (
    ("btn.exchange", OpenTopic("currency-exchange")),
    ("btn.atm", OpenTopic("atm-foreign-card")),
    ("btn.card", OpenTopic("card-acceptance")),
    ("btn.mobile", OpenTopic("mobile-pay-setup")),
    ("btn.account", OpenTopic("open-account")),
    ("btn.cash", OpenTopic("cash-rights")),
    ("btn.complaint", OpenTopic("complaints")),
    ("btn.local", LocalCards()),
    ("btn.person", Person()),
)
ELDER_BUTTONS: tuple[str, ...] = (
    "btn.exchange",
    "btn.atm",
    "btn.card",
    "btn.cash",
    "btn.mobile",
    "btn.person",
)
