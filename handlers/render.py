"""Turn a core Answer into Telegram HTML and keyboards. Every dynamic string is escaped here."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import channel
from bot.answer import Answer
from bot.callbacks import Action, encode
from bot.channel import Rows
from bot.knowledge import Knowledge
from bot.where import local_cards

LIMIT = 4096


@dataclass(frozen=True)
class Reply:
    """One message to send: HTML chunks (each under 4096) and the keyboard for the last chunk."""

    chunks: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None


def escape(text: str) -> str:
    """HTML-escape text for parse_mode=HTML."""
    return html.escape(text, quote=False)


def clip(text: str, limit: int = LIMIT) -> str:
    """Escape `text` for HTML and cut it to `limit` characters, never inside an entity such as &amp;."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[:limit]
    amp = cut.rfind("&")
    return cut[:amp] if amp != -1 and ";" not in cut[amp:] else cut


def split_html(text: str, limit: int = LIMIT) -> tuple[str, ...]:
    """Split escaped text at paragraph, then line, then word boundaries; never inside an entity."""
    chunks: list[str] = []
    rest = text.strip() or "…"
    while len(rest) > limit:
        window = rest[:limit]
        cut = (
            max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0)
        )
        if cut < limit // 4:
            cut = limit
            amp = window.rfind("&")
            if amp != -1 and ";" not in window[amp:]:
                cut = amp  # do not cut &amp; in two
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return tuple(c for c in chunks if c)


def inline(rows: Rows) -> InlineKeyboardMarkup:
    """Plain button rows (bot.channel) as a Telegram inline keyboard."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=encode(b.action)) for b in row]
            for row in rows
        ]
    )


def topic_button(kb: Knowledge, topic_id: str, lang: str) -> InlineKeyboardButton:
    """A button that opens one topic."""
    button = channel.topic_button(kb, topic_id, lang)
    return InlineKeyboardButton(button.label, callback_data=encode(button.action))


def menu_keyboard(kb: Knowledge, lang: str) -> InlineKeyboardMarkup:
    """The main needs as buttons, two a row; the Chinese menu also offers 长辈模式."""
    return inline(channel.menu_rows(kb, lang))


def language_keyboard() -> InlineKeyboardMarkup:
    """The five languages, each named in itself."""
    return inline(channel.language_rows())


def reply_keyboard(kb: Knowledge, lang: str, elder: bool) -> ReplyKeyboardMarkup:
    """The persistent keyboard: a location button; in elder mode, big buttons for six needs."""
    location = KeyboardButton(kb.text("btn.location", lang), request_location=True)
    if not elder:
        return ReplyKeyboardMarkup([[location]], resize_keyboard=True, is_persistent=True)
    labels = [KeyboardButton(label) for label in channel.elder_labels(kb, lang)]
    rows = [labels[i : i + 2] for i in range(0, len(labels), 2)] + [[location]]
    return ReplyKeyboardMarkup(rows, resize_keyboard=False, is_persistent=True)


def button_label_action(kb: Knowledge, text: str) -> Action | None:
    """The action a reply-keyboard label stands for, in any language (elder mode's big buttons)."""
    return channel.label_action(kb, text)


def want_keyboard(kb: Knowledge, lang: str, current: str | None) -> InlineKeyboardMarkup:
    """Switch what to look for near the shared location."""
    return inline(channel.want_rows(kb, lang, current))


KEYBOARDS = 10_000  # answer keyboards kept per snapshot, most recently used first


class _Keyboards:
    """Answer keyboards are immutable: each is built once for the current knowledge snapshot, then reused.

    Only the current snapshot is held, so a reload lets the old one go.
    """

    def __init__(self) -> None:
        self.kb: Knowledge | None = None
        self.boards: LRUCache[tuple[Any, ...], InlineKeyboardMarkup | None] = LRUCache(KEYBOARDS)

    def get(self, answer: Answer, kb: Knowledge) -> InlineKeyboardMarkup | None:
        if kb is not self.kb:
            self.kb, self.boards = kb, LRUCache(KEYBOARDS)
        key = (
            answer.kind,
            answer.lang,
            answer.topic,
            answer.places[:1],
            answer.related,
            answer.suggestions,
            answer.want,
            answer.links,
            answer.more is not None,
        )
        if key not in self.boards:
            self.boards[key] = _build_answer_keyboard(answer, kb)
        board: InlineKeyboardMarkup | None = self.boards[key]
        return board


_KEYBOARDS = _Keyboards()


def answer_keyboard(answer: Answer, kb: Knowledge) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: related topics and feedback, or a clarify's suggestions."""
    return _KEYBOARDS.get(answer, kb)


def _build_answer_keyboard(answer: Answer, kb: Knowledge) -> InlineKeyboardMarkup | None:
    """Map links first (URL buttons), then the answer's own buttons (bot.channel decides; this only converts)."""
    board = inline(channel.answer_rows(answer, kb))
    if not answer.links:
        return board
    rows = [[InlineKeyboardButton(link.label, url=link.url)] for link in answer.links]
    return InlineKeyboardMarkup(rows + [list(row) for row in board.inline_keyboard])


def render(answer: Answer, kb: Knowledge) -> Reply:
    """The message for an answer: escaped, split, with its keyboard."""
    return Reply(split_html(answer_html(answer)), answer_keyboard(answer, kb))


def answer_html(answer: Answer) -> str:
    """The answer's text as HTML: map-link lines become buttons instead, the card for a local is bold."""
    return "\n".join(
        f"<b>{escape(line)}</b>"
        if answer.show_local and line == answer.show_local
        else escape(line)
        for line in channel.text_without_links(answer).splitlines()
    )


def local_cards_reply(kb: Knowledge, lang: str) -> Reply:
    """Every card for a local, bold, each with what it says in the user's language."""
    parts = [escape(kb.text("local_menu", lang))]
    for card, meaning in local_cards(kb, lang):
        parts.append(f"<b>{escape(card)}</b>" + ("" if lang == "zh" else f"\n{escape(meaning)}"))
    return Reply(split_html("\n\n".join(parts)), menu_keyboard(kb, lang))
