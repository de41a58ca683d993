"""What every channel shares: an Answer as plain parts (text and rows of labelled actions), the
menus, and what one conversation remembers. Telegram turns the parts into inline keyboards, the web
into HTML buttons; neither repeats the other's logic, and this module knows neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer import SHOWN_RELATED, Answer, Want
from bot.callbacks import (
    ELDER_BUTTONS,
    MENU,
    Action,
    Complain,
    ElderMode,
    Feedback,
    Menu,
    More,
    Near,
    NoneOfThese,
    OpenTopic,
    Person,
    PickLanguage,
    SetLanguage,
)
from bot.contract import LANGUAGE_NAMES, LANGUAGES, WANTS
from bot.knowledge import Knowledge
from bot.question import tap
from bot.responder import Responder
from bot.where import link_line

COMPLAINT_TOPICS = frozenset({"cash-refusal-complaint", "complaints"})


@dataclass(frozen=True)
class Button:
    """A labelled action: what a button says and what pressing it asks for."""

    label: str
    action: Action


Rows = tuple[tuple[Button, ...], ...]


class Session:
    """What one conversation remembers between messages (in memory only): Telegram's user_data, a web session."""

    def __init__(self) -> None:
        self.last: tuple[str, Answer] | None = (
            None  # the last question and its answer, for a ticket or 👎
        )
        self.want: Want | None = None  # what the user last asked to find nearby
        self.location: tuple[float, float] | None = None  # the last shared location

    def clear(self) -> None:
        """Forget everything ("forget me")."""
        Session.__init__(self)


def topic_button(kb: Knowledge, topic_id: str, lang: str) -> Button:
    """A button that opens one topic, titled by ui.yaml's topic.<id> (the id when editors gave none)."""
    title = kb.text(f"topic.{topic_id}", lang) if f"topic.{topic_id}" in kb.ui else topic_id
    return Button(title, OpenTopic(topic_id))


def menu_rows(kb: Knowledge, lang: str, elder: bool = False, topics: tuple[str, ...] = ()) -> Rows:
    """The main needs, two a row, then `topics` the menu lacks (a fallback's nearest in meaning), one a row;
    the Chinese menu also offers 长辈模式; then the language switch.

    In elder mode only the six big needs, one a row: the web's counterpart of Telegram's big keyboard.
    """
    if elder:
        actions = dict(MENU)
        return tuple((Button(kb.text(key, lang), actions[key]),) for key in ELDER_BUTTONS)
    buttons = [Button(kb.text(key, lang), action) for key, action in MENU]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    listed = {action for _, action in MENU}
    rows += [
        (topic_button(kb, topic, lang),)
        for topic in topics
        if topic in kb.topics and OpenTopic(topic) not in listed
    ]
    if lang == "zh":
        rows.append((Button(kb.text("btn.elder", lang), ElderMode()),))
    rows.append((Button(kb.text("btn.language", lang), PickLanguage()),))
    return tuple(rows)


def elder_labels(kb: Knowledge, lang: str) -> tuple[str, ...]:
    """Elder mode's six big buttons, labelled in `lang`."""
    return tuple(kb.text(key, lang) for key in ELDER_BUTTONS)


def sorry_rows(kb: Knowledge, lang: str) -> Rows:
    """After 👎: talk to a person, or back to the menu."""
    return (
        (Button(kb.text("btn.person", lang), Person()),),
        (Button(kb.text("btn.back", lang), Menu()),),
    )


def language_rows() -> Rows:
    """The five languages, each named in itself."""
    return tuple((Button(LANGUAGE_NAMES[code], SetLanguage(code)),) for code in LANGUAGES)


def want_rows(kb: Knowledge, lang: str, current: str | None) -> Rows:
    """Switch what to look for near the shared location (the current one marked)."""
    buttons = [
        Button(("• " if want == current else "") + kb.text(f"want.{want}", lang), Near(want))
        for want in WANTS
    ]
    return (tuple(buttons[:2]), tuple(buttons[2:]))


def label_action(kb: Knowledge, text: str) -> Action | None:
    """The action a menu label stands for, in any language (elder mode's big buttons are typed labels)."""
    for key, action in MENU:
        texts = kb.ui.get(key)
        if texts and text.strip() in (texts.get(lang) for lang in LANGUAGES):
            return action
    return None


def answer_rows(answer: Answer, kb: Knowledge, elder: bool = False) -> Rows:
    """The buttons under an answer: a clarify's suggestions, the menu, what to look for nearby,
    or "more" (an FAQ answer's background and sources), related topics with 👍/👎 and the way back
    to the menu; after thanks only the way back."""
    lang = answer.lang
    if answer.kind == "clarify":
        picks = tuple((topic_button(kb, topic_id, lang),) for topic_id in answer.suggestions)
        return (*picks, (Button(kb.text("clarify_none", lang), NoneOfThese()),))
    if (
        answer.kind == "fallback"
    ):  # "choose a topic below": the menu, and the nearest topics it lacks
        return menu_rows(kb, lang, elder, answer.related)
    if answer.kind == "greeting":
        return menu_rows(kb, lang, elder)
    if answer.kind == "nearby":
        return want_rows(kb, lang, answer.want)
    if answer.kind == "thanks":
        return ((Button(kb.text("btn.back", lang), Menu()),),)
    rows: list[tuple[Button, ...]] = [
        (topic_button(kb, topic_id, lang),)
        for topic_id in answer.related[:SHOWN_RELATED]
        if topic_id in kb.topics
    ]
    if answer.more is not None and answer.topic:
        rows.insert(0, (Button(kb.text("btn.more", lang), More(answer.topic)),))
    if answer.topic in COMPLAINT_TOPICS:
        rows.insert(0, (Button(kb.text("btn.complain", lang), Complain()),))
    if answer.kind in ("faq", "place"):
        subject = answer.topic or (answer.places[0] if answer.places else "")
        rows.append((Button("👍", Feedback(True, subject)), Button("👎", Feedback(False, subject))))
    rows.append((Button(kb.text("btn.back", lang), Menu()),))
    return tuple(rows)


def action_answer(
    responder: Responder, action: Action | None, lang: str, elder: bool
) -> tuple[Answer, str] | None:
    """The core answer a button asks for, with the question it is recorded as; None for buttons that
    do something else (menus, settings, feedback). Every channel's buttons answer through this."""
    match action:
        case OpenTopic(topic) if topic in responder.kb.topics:
            return responder.faq(topic, lang, elder=elder), tap("button", topic)
        case More(topic) if topic in responder.kb.topics:
            return responder.more(topic, lang, elder), tap("more", topic)
        case Person():
            return responder.intent("handoff", lang, elder), tap("button", "person")
        case NoneOfThese():
            return responder.intent("fallback", lang, elder), tap("button", "none of these")
    return None


def text_without_links(answer: Answer) -> str:
    """The answer's text minus its map-link lines: a channel that can show links as links shows them so."""
    dropped = {link_line(link) for link in answer.links}
    kept = "\n".join(line for line in answer.text.splitlines() if line not in dropped)
    return re.sub(r"\n{3,}", "\n\n", kept).strip()
