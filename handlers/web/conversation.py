"""One web conversation turn: a question, a pressed button, a shared location, a complaint or "forget me".

Knows nothing of HTTP: the API and the no-JavaScript page both call it. Answers come from the same
core and are split into parts by bot.channel, as Telegram's are; events, feedback, tickets and
complaints go through the same storage calls, so /stats, `kb unanswered` and `report` count the web.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections import deque
from dataclasses import dataclass, field

from cachetools import TTLCache

from bot.answer import Answer, Query, Want
from bot.callbacks import (
    Action,
    Complain,
    ElderMode,
    Feedback,
    LocalCards,
    Near,
    PickLanguage,
    SetLanguage,
    decode,
)
from bot.casework import Desk, add_complaint, complaint_note, desk_reachable, file_ticket, replies
from bot.channel import (
    Rows,
    Session,
    action_answer,
    answer_rows,
    label_action,
    language_rows,
    menu_rows,
    sorry_rows,
    text_without_links,
)
from bot.chat import without_help_desk
from bot.engine import Engine, ask
from bot.knowledge import Knowledge
from bot.language import hint_language
from bot.question import tap
from bot.responder import Responder
from bot.settings import Settings
from bot.storage import Prefs, Store
from bot.where import cards_text

log = logging.getLogger(__name__)
SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SESSIONS = 100_000  # conversations kept in memory at most
SESSION_SECONDS = 6 * 3600  # a conversation idle this long is forgotten (its saved choices stay)
HISTORY = 30  # bubbles the no-JavaScript page shows


def new_session() -> str:
    """A random session id: nothing personal in it, unguessable."""
    return secrets.token_urlsafe(18)


def web_user_id(session: str) -> int:
    """The storage user id of a web session: negative, so never a Telegram user (positive) or the terminal (0)."""
    return -(int.from_bytes(hashlib.sha256(session.encode()).digest()[:7], "big") + 1)


@dataclass(frozen=True)
class Bubble:
    """One message in the chat: who says it, the plain text, its buttons and the answer it shows."""

    text: str
    rows: Rows = ()
    answer: Answer | None = None
    who: str = "bot"  # bot, user or staff


class WebSession(Session):
    """A web conversation: what every channel remembers, plus the bubbles the no-JavaScript page shows."""

    def __init__(self) -> None:
        super().__init__()
        self.history: deque[Bubble] = deque(maxlen=HISTORY)
        self.lang: str | None = None  # the language of the last answer
        self.seen_reply = 0  # the last staff reply shown
        self.new = False  # made by us this turn: nothing can be saved for it yet


@dataclass
class Turn:
    """What one request produced: the bubbles, the page language and mode, and what the page should do next."""

    session: str
    lang: str
    elder: bool
    bubbles: list[Bubble] = field(default_factory=list)
    form: str | None = None  # "complaint": show the complaint form
    locate: bool = False  # ask the browser for the location
    ticket: int | None = None  # a ticket was opened: fetch staff replies


class WebChat:
    """The web channel's conversations, over the shared engine and store."""

    def __init__(
        self, engine: Engine, store: Store, settings: Settings, desk: Desk | None = None
    ) -> None:
        self.engine, self.store, self.settings, self.desk = engine, store, settings, desk
        self.sessions: TTLCache[str, WebSession] = TTLCache(SESSIONS, SESSION_SECONDS)

    def session(self, sid: str | None) -> tuple[str, WebSession]:
        """The conversation of `sid`, or a new one when it is missing or malformed."""
        new = not sid or not SESSION_PATTERN.fullmatch(sid)
        if new or sid is None:
            sid = new_session()
        state = self.sessions.get(sid)
        if state is None:
            state = self.sessions[sid] = WebSession()
            state.new = new
        return sid, state

    async def prefs(self, sid: str, state: WebSession) -> Prefs:
        """The session's saved choices; a conversation that has just begun has none (no database trip)."""
        if state.new:
            return Prefs()
        return await self.store.prefs(web_user_id(sid))

    def language(self, state: WebSession, saved: str | None, hint: str | None) -> str:
        """The saved choice, else the last answer's language, else the browser's, else DEFAULT_LANGUAGE."""
        return saved or state.lang or hint_language(hint) or self.settings.DEFAULT_LANGUAGE

    async def turn(
        self,
        sid: str | None,
        text: str = "",
        hint: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        want: Want | None = None,
        action: str | None = None,
        place: str | None = None,
    ) -> Turn:
        """Answer one request of the page or the API."""
        sid, state = self.session(sid)
        prefs = await self.prefs(sid, state)
        responder = self.engine.responder  # one snapshot for the whole turn
        lang = self.language(state, prefs.lang, hint)
        turn = Turn(sid, lang, prefs.elder)
        query = Query(hint=hint or state.lang, saved_lang=prefs.lang, elder=prefs.elder)
        if text.strip():
            state.history.append(Bubble(text.strip()[:2000], who="user"))
        typed = label_action(responder.kb, text) if text.strip() else None
        if action is not None or typed is not None:
            await self._act(turn, state, responder, typed or decode(action), query)
        elif lat is not None and lon is not None:
            state.location, state.want = (lat, lon), want or state.want
            located = query.model_copy(update={"lat": lat, "lon": lon, "want": state.want})
            await self._answer(
                turn, state, await ask(responder, located), tap("nearby", want or "")
            )
        elif place is not None and place in responder.kb.places:
            coords = responder.kb.places[place].coords
            if coords is not None:
                state.location = (coords.lat, coords.lon)
            await self._answer(turn, state, responder.place(place, lang), tap("qr", place))
        elif text.strip():
            answer = await ask(responder, query.model_copy(update={"text": text}))
            await self._answer(turn, state, answer, text)
        else:
            await self._answer(turn, state, responder.intent("greeting", lang), None, record=False)
        state.history.extend(turn.bubbles)
        state.new = False
        return turn

    async def _answer(
        self,
        turn: Turn,
        state: WebSession,
        answer: Answer,
        question: str | None,
        record: bool = True,
    ) -> None:
        """Show an answer with its buttons (as Telegram would), hand off when asked, and record it."""
        kb = self.engine.responder.kb
        if answer.kind == "handoff":
            answer = await self._hand_off(turn, state, answer, question)
        elif question is not None:
            state.last = (question, answer)
        state.lang = turn.lang = answer.lang
        turn.bubbles.append(
            Bubble(text_without_links(answer), answer_rows(answer, kb, turn.elder), answer)
        )
        if record:
            try:
                await self.store.log_event(
                    web_user_id(turn.session), answer.lang, answer.kind, answer.topic, question
                )
            except Exception:
                log.exception("could not log the event")

    async def _hand_off(
        self, turn: Turn, state: WebSession, answer: Answer, question: str | None
    ) -> Answer:
        """Open a ticket when staff can see it (the staff group, or staff accounts of the browser
        console); otherwise the hotline, honestly."""
        kb = self.engine.responder.kb
        if not await desk_reachable(self.store, self.desk is not None):
            return without_help_desk(answer, kb)
        user = web_user_id(turn.session)
        ticket = await file_ticket(
            self.store, self.engine.responder, state.last, question, answer.lang, user, user, "web"
        )
        try:
            if self.desk is not None:
                await self.desk.post_ticket(ticket)
        except Exception:
            log.exception("could not post web ticket #%d to the staff group", ticket.id)
            if not await desk_reachable(self.store, staff_group=False):  # the console alone
                return without_help_desk(answer, kb)
        turn.ticket = ticket.id
        return answer

    async def _act(
        self,
        turn: Turn,
        state: WebSession,
        responder: Responder,
        action: Action | None,
        query: Query,
    ) -> None:
        """Do what a button asks, like Telegram's buttons; unknown or forged data shows the menu."""
        kb, lang, elder, user = responder.kb, turn.lang, turn.elder, web_user_id(turn.session)
        answered = action_answer(responder, action, lang, elder)
        if answered is not None:
            await self._answer(turn, state, *answered)
            return
        match action:
            case ElderMode():
                await self.store.set_elder(user, not elder)
                turn.elder = not elder
                text = kb.text("elder_on" if turn.elder else "elder_off", lang)
                turn.bubbles.append(Bubble(text, menu_rows(kb, lang, turn.elder)))
            case PickLanguage():
                turn.bubbles.append(Bubble(kb.text("language_prompt", lang), language_rows()))
            case SetLanguage(new):
                await self.store.set_lang(user, new)
                state.lang = turn.lang = new
                turn.bubbles.append(Bubble(kb.text("language_set", new)))
                turn.bubbles.append(Bubble(kb.text("greeting", new), menu_rows(kb, new, elder)))
            case Feedback(helpful, subject):
                await self._feedback(turn, state, helpful, subject)
            case Near(want):
                state.want = want
                if state.location is None:
                    service = kb.text(f"want.{want}", lang)
                    turn.bubbles.append(Bubble(kb.text("nearby_ask", lang, service=service)))
                    turn.locate = True
                else:
                    lat, lon = state.location
                    located = query.model_copy(update={"lat": lat, "lon": lon, "want": want})
                    await self._answer(turn, state, responder.answer(located), tap("nearby", want))
            case LocalCards():
                turn.bubbles.append(Bubble(cards_text(kb, lang), menu_rows(kb, lang, elder)))
            case Complain():
                turn.bubbles.append(Bubble(kb.text("web.complain_place", lang)))
                turn.form = "complaint"
            case _:
                turn.bubbles.append(Bubble(kb.text("menu_title", lang), menu_rows(kb, lang, elder)))

    async def _feedback(
        self, turn: Turn, state: WebSession, helpful: bool, subject: str | None
    ) -> None:
        """Record 👍/👎 with the question it answered; after 👎 offer a person or the menu."""
        kb, lang = self.engine.responder.kb, turn.lang
        question = state.last[0] if state.last else None
        await self.store.add_feedback(web_user_id(turn.session), subject, helpful, lang, question)
        turn.bubbles.append(Bubble(kb.text("feedback_thanks", lang)))
        if not helpful:
            turn.bubbles.append(Bubble(kb.text("feedback_sorry", lang), sorry_rows(kb, lang)))

    async def complain(
        self, sid: str | None, hint: str | None, place: str, what: str, when: str | None
    ) -> Turn:
        """File a complaint (committed before the reference is shown) and tell the staff group when there is one."""
        sid, state = self.session(sid)
        user = web_user_id(sid)
        prefs = await self.prefs(sid, state)
        lang = self.language(state, prefs.lang, hint)
        turn = Turn(sid, lang, prefs.elder)
        kb = self.engine.responder.kb
        complaint = await add_complaint(self.store, user, lang, place, what, when or None)
        turn.bubbles.append(Bubble(kb.text("complain_done", lang, ref=complaint.reference)))
        if self.desk is not None:
            try:
                await self.desk.post_note(complaint_note(complaint))
            except Exception:
                log.exception("could not tell the staff group about %s", complaint.reference)
        state.history.extend(turn.bubbles)
        return turn

    async def privacy(self, sid: str | None, hint: str | None) -> Turn:
        """What we keep and for how long."""
        sid, state = self.session(sid)
        prefs = await self.store.prefs(web_user_id(sid))
        turn = Turn(sid, self.language(state, prefs.lang, hint), prefs.elder)
        text = self.engine.responder.kb.text(
            "privacy", turn.lang, days=self.settings.DATA_RETENTION_DAYS
        )
        turn.bubbles.append(Bubble(text))
        state.history.extend(turn.bubbles)
        return turn

    async def forget(self, sid: str | None, hint: str | None) -> Turn:
        """Delete what we keep about the session, then start a new one."""
        sid, state = self.session(sid)
        user = web_user_id(sid)
        lang = self.language(state, (await self.store.prefs(user)).lang, hint)
        await self.store.forget(user)
        self.sessions.pop(sid, None)
        fresh, _ = self.session(None)
        turn = Turn(fresh, lang, False)
        turn.bubbles.append(Bubble(self.engine.responder.kb.text("forget_done", lang)))
        return turn

    async def staff_replies(self, sid: str | None, after: int) -> list[tuple[int, str]]:
        """Staff replies to this session's tickets newer than `after`."""
        if not sid or not SESSION_PATTERN.fullmatch(sid):
            return []
        found = await replies(self.store, web_user_id(sid), after)
        state = self.sessions.get(sid)
        if state is not None and found and found[-1][0] > state.seen_reply:
            state.seen_reply = found[-1][0]
            state.history.extend(Bubble(text, who="staff") for _, text in found)
        return found

    def labels(self, kb: Knowledge, lang: str) -> dict[str, str]:
        """The page's own words in `lang` (the chat's chrome, switched with the language)."""
        return {
            "web.title": kb.text("web.title", lang),
            "web.ask": kb.text("web.ask", lang),
            "web.send": kb.text("web.send", lang),
            "web.submit": kb.text("web.submit", lang),
            "web.cancel": kb.text("web.cancel", lang),
            "web.location_denied": kb.text("web.location_denied", lang),
            "error_generic": kb.text("error_generic", lang),
            "btn.location": kb.text("btn.location", lang),
            "btn.elder": kb.text("btn.elder", lang),
            "btn.person": kb.text("btn.person", lang),
            "btn.language": kb.text("btn.language", lang),
            "btn.back": kb.text("btn.back", lang),
            "cmd.complain": kb.text("cmd.complain", lang),
            "cmd.privacy": kb.text("cmd.privacy", lang),
            "cmd.forget": kb.text("cmd.forget", lang),
            "web.complain_place": kb.text("web.complain_place", lang),
            "complain_what": kb.text("complain_what", lang),
            "complain_date": kb.text("complain_date", lang),
        }
