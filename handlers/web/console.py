"""The staff console at /staff: sign-in, the inbox of every channel's tickets, and forwarded questions.

Chinese first (staff text from ui.yaml's staff.* keys). Every page but the sign-in form needs a signed
staff session; every POST needs the session's CSRF token. Replies reach the visitor in their channel
through bot.casework.deliver, the same path the Telegram staff group uses.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.accounts import is_staff, verify
from bot.casework import Courier, Entry, close_ticket, deliver, inbox, ticket_by_id, visitor_text
from bot.contract import STAFF_LANG
from bot.engine import Engine, gloss
from bot.knowledge import Knowledge
from bot.settings import Settings
from bot.storage import Store
from handlers.web.page import esc
from handlers.web.staffauth import COOKIE, Keys, Session, Throttle

log = logging.getLogger(__name__)
ACTIONS = ("reply", "send", "close")
INBOX_POLL_MS = 3000  # how often the inbox asks for new tickets and replies


@dataclass
class Console:
    """What the console's routes share."""

    engine: Engine
    store: Store
    keys: Keys
    throttle: Throttle
    courier: Courier | None
    secure: bool

    @property
    def kb(self) -> Knowledge:
        return self.engine.responder.kb

    def t(self, key: str) -> str:
        return self.kb.text(key, STAFF_LANG)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def client_of(request: Request) -> str:
    return request.client.host if request.client else "?"


def _set_cookie(console: Console, response: Response, session: Session) -> Response:
    response.set_cookie(
        COOKIE,
        console.keys.cookie(session),
        max_age=int(console.keys.seconds),
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=console.secure,
    )
    return response


def _page(console: Console, title: str, body: str, session: Session, status: int = 200) -> Response:
    """A console page; the session's cookie is (re)set so the CSRF token in its forms matches."""
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(title)}</title><link rel="stylesheet" href="/static/staff.css">'
        f'<script src="/static/staff.js" defer></script></head><body>'
        f'<meta name="csrf" content="{esc(console.keys.csrf(session))}">{body}</body></html>'
    )
    return _set_cookie(console, HTMLResponse(html, status_code=status), session)


def _csrf_field(console: Console, session: Session) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(console.keys.csrf(session))}">'


def _signin_form(console: Console, session: Session, note: str = "") -> str:
    t = console.t
    return (
        f'<main class="signin"><h1>{esc(t("staff.title"))}</h1>'
        + (f'<p class="note" role="alert">{esc(note)}</p>' if note else "")
        + f'<form method="post" action="/staff/signin">{_csrf_field(console, session)}'
        f'<label>{esc(t("staff.name"))} <input name="name" autocomplete="username" required></label>'
        f'<label>{esc(t("staff.password"))} <input name="password" type="password" autocomplete="current-password" required></label>'
        f'<button type="submit">{esc(t("staff.sign_in"))}</button></form></main>'
    )


def session_of(request: Request) -> Session | None:
    return console_of(request).keys.read(request.cookies.get(COOKIE))


async def staff_of(request: Request) -> Session | None:
    """The signed-in staff session, or None (no cookie, a forged or expired one, not signed in, or an
    account removed since)."""
    session = session_of(request)
    if session is None or not session.name:
        return None
    return session if await is_staff(console_of(request).store, session.name) else None


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the first of each), as the chat page reads its own."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


async def home(request: Request) -> Response:
    """GET /staff: the inbox when signed in, else the sign-in form."""
    console = console_of(request)
    session = await staff_of(request)
    if session is None:
        anonymous = session_of(request) or console.keys.new()
        return _page(console, console.t("staff.title"), _signin_form(console, anonymous), anonymous)
    entries = await inbox(console.store)
    return _page(console, console.t("staff.title"), _inbox_page(console, session, entries), session)


async def signin(request: Request) -> Response:
    """POST /staff/signin: check the CSRF token, the slow-down, then the password."""
    console = console_of(request)
    session = session_of(request)
    form = await _form(request)
    if session is None or not console.keys.csrf_ok(session, form.get("csrf", "")):
        return Response("CSRF token missing or wrong", status_code=403)
    name, client = form.get("name", "").strip(), client_of(request)
    keys = (f"name:{name}", f"client:{client}")
    wait = console.throttle.wait(*keys)
    if wait > 0:
        log.warning("staff sign-in for %r from %s refused: slowed down", name, client)
        note = console.kb.text("staff.slow", STAFF_LANG, seconds=math.ceil(wait))
        return _page(console, note, _signin_form(console, session, note), session, 429)
    if not await verify(console.store, name, form.get("password", "")):
        console.throttle.failed(*keys)
        log.warning("staff sign-in failed for %r from %s", name, client)
        note = console.t("staff.wrong")
        return _page(console, note, _signin_form(console, session, note), session, 401)
    console.throttle.succeeded(*keys)
    log.info("staff %s signed in from %s", name, client)
    return _set_cookie(console, RedirectResponse("/staff", status_code=303), console.keys.new(name))


async def _checked(request: Request) -> tuple[Session, dict[str, str]] | Response:
    """A POST's staff session and form, or the 401/403 to answer instead."""
    session = await staff_of(request)
    if session is None:
        return Response("sign in first", status_code=401)
    form = await _form(request)
    if not console_of(request).keys.csrf_ok(session, form.get("csrf", "")):
        return Response("CSRF token missing or wrong", status_code=403)
    return session, form


async def signout(request: Request) -> Response:
    checked = await _checked(request)
    if isinstance(checked, Response):
        return checked
    log.info("staff %s signed out", checked[0].name)
    response = RedirectResponse("/staff", status_code=303)
    response.delete_cookie(COOKIE, path="/staff")
    return response


async def act(request: Request) -> Response:
    """POST /staff/tickets/{id}/{reply|send|close}: answer a ticket in the visitor's channel."""
    action = request.path_params["action"]
    if action not in ACTIONS:
        return Response("not found", status_code=404)
    checked = await _checked(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    console = console_of(request)
    ticket = await ticket_by_id(console.store, int(request.path_params["ticket"]))
    if ticket is None:
        return Response("no such ticket", status_code=404)
    kb = console.kb
    if ticket.channel != "web" and console.courier is None:
        # Checked before anything is written: a Telegram user could not be told, so nothing changes.
        return Response(kb.text("staff.not_delivered", "zh"), status_code=503)
    value = form.get("text" if action == "reply" else "topic", "").strip()
    if action == "reply" and not value:
        return RedirectResponse("/staff", status_code=303)
    if action == "send" and value not in kb.topics:
        return Response("unknown topic", status_code=400)
    if action == "close":
        await close_ticket(console.store, ticket.id)
    text = visitor_text(console.engine.responder, ticket, action, value)
    try:
        await deliver(console.store, ticket, text, session.name, console.courier)
    except Exception:  # Telegram refused or is unreachable: the reply is kept, staff are told
        log.exception("staff %s: reply to ticket #%d not delivered", session.name, ticket.id)
        return Response(kb.text("staff.not_delivered", "zh"), status_code=502)
    log.info("staff %s: %s on ticket #%d", session.name, action, ticket.id)
    return RedirectResponse("/staff", status_code=303)


async def tickets_json(request: Request) -> Response:
    """GET /staff/api/tickets: the inbox as HTML for the polling script, with a version to skip no-ops."""
    session = await staff_of(request)
    if session is None:
        return JSONResponse({"error": "sign in first"}, status_code=401)
    console = console_of(request)
    entries = await inbox(console.store)
    return JSONResponse(
        {
            "version": _version(entries),
            "html": _tickets_html(console, session, entries),
            "tickets": [
                {"id": e.ticket.id, "status": e.ticket.status, "replies": len(e.replies)}
                for e in entries
            ],
        }
    )


async def forwarded(request: Request) -> Response:
    """GET/POST /staff/ask: a visitor's question in, the answer in their language and in Chinese out."""
    console = console_of(request)
    session = await staff_of(request)
    if session is None:
        return RedirectResponse("/staff", status_code=303)
    t = console.t
    question, result = "", ""
    if request.method == "POST":
        checked = await _checked(request)
        if isinstance(checked, Response):
            return checked
        question = checked[1].get("text", "").strip()[:2000]
        if question:
            answer, chinese = await gloss(console.engine.responder, question)
            result = (
                f'<section class="gloss"><div lang="{esc(answer.lang)}"><h2>{esc(answer.lang)}</h2>'
                f'<p class="answer">{esc(answer.text)}</p></div>'
                + (
                    f'<div lang="zh"><h2>{esc(t("staff.chinese"))}</h2><p class="chinese">{esc(chinese.text)}</p></div>'
                    if chinese is not None
                    else ""
                )
                + "</section>"
            )
    body = (
        f"{_nav(console, session)}<main><h1>{esc(t('staff.ask'))}</h1>"
        f'<form method="post" action="/staff/ask">{_csrf_field(console, session)}'
        f'<textarea name="text" rows="3" placeholder="{esc(t("staff.ask_hint"))}">{esc(question)}</textarea>'
        f'<button type="submit">{esc(t("staff.ask_button"))}</button></form>{result}</main>'
    )
    return _page(console, t("staff.ask"), body, session)


def _version(entries: list[Entry]) -> str:
    return ";".join(f"{e.ticket.id}:{e.ticket.status}:{len(e.replies)}" for e in entries)


def _nav(console: Console, session: Session) -> str:
    t = console.t
    return (
        f'<nav><a href="/staff">{esc(t("staff.inbox"))}</a> <a href="/staff/ask">{esc(t("staff.ask"))}</a>'
        f' <a href="/staff/dashboard">{esc(t("staff.dashboard"))}</a>'
        f' <span class="who">{esc(session.name)}</span>'
        f'<form method="post" action="/staff/signout">{_csrf_field(console, session)}'
        f'<button type="submit">{esc(t("staff.sign_out"))}</button></form></nav>'
    )


def _inbox_page(console: Console, session: Session, entries: list[Entry]) -> str:
    return (
        f"{_nav(console, session)}<main><h1>{esc(console.t('staff.inbox'))}</h1>"
        f'<div id="tickets" data-version="{esc(_version(entries))}" data-poll="{INBOX_POLL_MS}">'
        f"{_tickets_html(console, session, entries)}</div></main>"
    )


def _tickets_html(console: Console, session: Session, entries: list[Entry]) -> str:
    t = console.t
    if not entries:
        return f'<p class="empty">{esc(t("staff.none"))}</p>'
    topics = "".join(
        f'<option value="{esc(k)}">{esc(k)}</option>' for k in sorted(console.kb.topics)
    )
    csrf = _csrf_field(console, session)
    cards = []
    for entry in entries:
        ticket = entry.ticket
        url = f"/staff/tickets/{ticket.id}"
        history = "".join(
            f'<li><span class="who">{esc(who or "?")}</span> <time>{esc(ts)}</time><p>{esc(text)}</p></li>'
            for who, ts, text in entry.replies
        )
        chinese = (
            f'<dt>{esc(t("staff.chinese"))}</dt><dd lang="zh">{esc(ticket.answer_zh)}</dd>'
            if ticket.lang != "zh" and ticket.answer_zh
            else ""
        )
        actions = (
            f'<p class="closed">{esc(t("staff.closed"))}</p>'
            if ticket.status == "closed"
            else (
                f'<form method="post" action="{url}/reply">{csrf}<textarea name="text" rows="2"></textarea>'
                f'<button type="submit">{esc(t("staff.reply"))}</button></form>'
                f'<form method="post" action="{url}/send">{csrf}<select name="topic">{topics}</select>'
                f'<button type="submit">{esc(t("staff.send_topic"))}</button></form>'
                f'<form method="post" action="{url}/close">{csrf}'
                f'<button type="submit">{esc(t("staff.close"))}</button></form>'
            )
        )
        cards.append(
            f'<article class="ticket {esc(ticket.status)}" id="ticket-{ticket.id}" data-lang="{esc(ticket.lang)}">'
            f"<h2>#{ticket.id} · {esc(ticket.lang)} · {esc(ticket.channel)} · <time>{esc(entry.created)}</time></h2>"
            f'<dl><dt>{esc(t("staff.question"))}</dt><dd class="question">{esc(ticket.question)}</dd>'
            f'<dt>{esc(t("staff.answer"))}</dt><dd class="answer">{esc(ticket.answer)}</dd>{chinese}</dl>'
            f'<ol class="history">{history}</ol>{actions}</article>'
        )
    return "".join(cards)


def console_routes() -> list[Route]:
    """The console's routes; build_app puts a Console on app.state."""
    return [
        Route("/staff", home),
        Route("/staff/signin", signin, methods=["POST"]),
        Route("/staff/signout", signout, methods=["POST"]),
        Route("/staff/api/tickets", tickets_json),
        Route("/staff/tickets/{ticket:int}/{action:str}", act, methods=["POST"]),
        Route("/staff/ask", forwarded, methods=["GET", "POST"]),
    ]


def make_console(
    settings: Settings, engine: Engine, store: Store, courier: Courier | None
) -> Console:
    return Console(
        engine,
        store,
        Keys(settings.STAFF_SESSION_SECRET, settings.STAFF_SESSION_HOURS),
        Throttle(),
        courier,
        settings.WEB_PUBLIC_URL.startswith("https://"),
    )
