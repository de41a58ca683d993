"""What every handler needs: the engine, the store, the user's language and mode, and sending a Reply."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answer import Answer, Query
from bot.engine import Engine
from bot.knowledge import Knowledge
from bot.language import hint_language
from bot.settings import Settings
from bot.storage import Prefs, Store
from bot.casework import link_ticket, open_ticket
from bot.chat import without_help_desk
from handlers.render import Reply, escape, render

log = logging.getLogger(__name__)


def plain_lang(language_code: str | None, settings: Settings) -> str:
    """The Telegram language if we answer in it, else DEFAULT_LANGUAGE (when saved choices can't be read)."""
    return hint_language(language_code) or settings.DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Session:
    """One update's view of the bot: who is asking, in which language, in which mode."""

    engine: Engine
    store: Store
    settings: Settings
    user_id: int
    hint: str | None
    prefs: Prefs
    user_data: dict = field(default_factory=dict, compare=False)

    @property
    def is_staff(self) -> bool:
        """A help-desk member (STAFF_USER_IDS); checked on every staff command."""
        return self.user_id in self.settings.STAFF_USER_IDS

    @property
    def kb(self) -> Knowledge:
        return self.engine.responder.kb

    @property
    def lang(self) -> str:
        """Saved choice, else the Telegram language, else the default."""
        return self.prefs.lang or plain_lang(self.hint, self.settings)

    def query(self, text: str = "", **extra: object) -> Query:
        """A core Query carrying this user's hints."""
        return Query(text=text, hint=self.hint, saved_lang=self.prefs.lang, elder=self.prefs.elder, **extra)  # type: ignore[arg-type]

    def ask(self, text: str) -> Answer:
        """Answer typed text with the core."""
        return self.engine.answer(self.query(text))


async def session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Session:
    """Build the Session for an update (reads the user's saved choices)."""
    data = context.application.bot_data
    user = update.effective_user
    store: Store = data["store"]
    user_id = user.id if user else 0
    try:
        prefs = await store.prefs(user_id) if user else Prefs()
    except Exception:  # storage trouble must not stop answers
        log.exception("could not read user preferences")
        prefs = Prefs()
    user_data = context.user_data if context.user_data is not None else {}
    return Session(data["engine"], store, data["settings"], user_id, user.language_code if user else None, prefs, user_data)


async def send(message: Message, reply: Reply) -> Message:
    """Send a Reply as HTML in as many messages as it needs; the keyboard goes on the last."""
    sent = message
    last = len(reply.chunks) - 1
    for index, chunk in enumerate(reply.chunks):
        sent = await message.get_bot().send_message(
            chat_id=message.chat_id, text=chunk, parse_mode=ParseMode.HTML,
            reply_markup=reply.keyboard if index == last else None,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    return sent


async def hand_off(message: Message, answer: Answer, s: Session, question: str | None) -> Answer:
    """Open a ticket in the staff group (committed first), or give the hotline when there is no group."""
    if s.settings.STAFF_CHAT_ID is None:
        return without_help_desk(answer, s.kb)
    last_question, last_answer = s.user_data.get("last", (question or "", None))
    bot_text = last_answer.text if last_answer is not None else ""
    zh_text = s.engine.responder.in_language(last_answer, "zh").text if last_answer is not None else ""
    ticket = await open_ticket(s.store, s.user_id, message.chat_id, answer.lang, last_question or question or "", bot_text, zh_text)
    lines = [
        f"🎫 工单 #{ticket.id} · 语言 {answer.lang}",
        f"问题：{last_question or question or '（无）'}",
        f"机器人回答：{bot_text[:1200] or '（无）'}",
    ]
    if answer.lang != "zh" and zh_text:
        lines.append(f"中文版：{zh_text[:1200]}")
    lines.append("回复本条消息即可答复用户；/send 主题ID 发送标准答案；/close 关闭工单。")
    posted = await message.get_bot().send_message(chat_id=s.settings.STAFF_CHAT_ID, text=escape("\n".join(lines))[:4096], parse_mode=ParseMode.HTML)
    await link_ticket(s.store, ticket.id, s.settings.STAFF_CHAT_ID, posted.message_id)
    return answer


async def reply_answer(message: Message, answer: Answer, s: Session, question: str | None = None) -> None:
    """Render a core Answer to the chat, log it, and for nearby add a venue for the best place."""
    if answer.kind == "handoff":
        answer = await hand_off(message, answer, s, question)
    elif question is not None:
        s.user_data["last"] = (question, answer)
    await send(message, render(answer, s.kb))
    if answer.kind == "nearby" and answer.places:
        place = s.kb.places[answer.places[0]]
        if place.coords:
            city = s.kb.regions[place.city]
            await message.get_bot().send_venue(
                chat_id=message.chat_id, latitude=place.coords.lat, longitude=place.coords.lon,
                title=place.names.first(answer.lang)[:64], address=city.names.first(answer.lang),
            )
    try:
        await s.store.log_event(s.user_id, answer.lang, answer.kind, answer.topic, question)
    except Exception:
        log.exception("could not log the event")
