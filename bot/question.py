"""The question inside a long message: people tell a story first and ask at the end, or in a sentence with "?"."""

from __future__ import annotations

import re

TAP = "["  # a recorded question that starts so is a button tap ("[button] currency-exchange"), not typed
LONG = 160  # characters; shorter messages are read whole
_SPLIT = re.compile(r"(?<=[.!?;。！？；…])\s*|\n+")
_ASKS = re.compile(  # a question mark, or words that ask in zh, ko, ja, ru, anywhere in the sentence
    r"[?？]|吗|嗎|么|麼|呢|怎|如何|哪|能不能|可不可以|是否|咋|啥|多少|까|나요|어디|어떻게|될까|있나|"
    r"ですか|ますか|でしょうか|どこ|どう|[かの]$|"
    r"(?<!\w)(?:как|где|можно|ли|какой|какие|подскажите|посоветуйте)(?!\w)",
    re.IGNORECASE,
)
_ASKS_FIRST = re.compile(  # English and other Latin-script sentences ask with their first words
    r"^(?:how|where|what|which|can|could|should|do|does|is|are|will|would|anyone|any advice|please)\b|"
    r"\b(?:i would appreciate|any advice|recommend|suggest|wondering)\b",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The message cut at sentence ends and line breaks, in order, without empty pieces."""
    return [part.strip() for part in _SPLIT.split(text) if part and part.strip()]


def focus(text: str) -> str:
    """The asking part of a long message: its sentences that ask, else its last two; short messages whole."""
    if len(text) <= LONG:
        return text
    parts = sentences(text)
    if len(parts) < 3:
        return text
    asking = [p for p in parts if _ASKS.search(p) or _ASKS_FIRST.search(p)]
    chosen = asking[-3:] if asking else parts[-2:]
    if (
        parts[-1] not in chosen
    ):  # the last sentence usually says what is wanted, even without a question word
        chosen.append(parts[-1])
    return " ".join(chosen)


def tap(kind: str, subject: str) -> str:
    """How a button tap is recorded where a typed question would be: "[button] currency-exchange"."""
    return f"{TAP}{kind}] {subject}"


def is_tap(recorded: str) -> bool:
    """A recorded question that was a tap: staff's Chinese version rebuilds its answer, reports skip it."""
    return recorded.startswith(TAP)
