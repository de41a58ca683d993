"""The web channel's ASGI app (Starlette): the JSON API for integrators and the chat page's endpoints.

Only wiring and HTTP here: bad JSON is a 400 with a JSON error, every answer comes from
handlers.web.conversation, the staff console (handlers.web.console) sits behind its own sign-in.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.callbacks import encode
from bot.casework import Courier, Desk
from bot.channel import Rows, menu_rows
from bot.contract import LANGUAGES
from bot.engine import Engine
from bot.knowledge import Knowledge
from bot.render import topic_title
from bot.settings import Settings
from bot.storage import Store, StoreClosed
from handlers.web import page
from handlers.web.console import console_routes, make_console
from handlers.web.conversation import Bubble, Turn, WebChat, web_user_id
from handlers.web.dashboard import dashboard_routes
from handlers.web.guard import Guard
from handlers.web.models import AskIn, ChatIn, ComplaintIn, FeedbackIn, SessionIn
from handlers.web.openapi import spec

M = TypeVar("M", bound=BaseModel)
STATIC = Path(__file__).resolve().parent / "static"


class BadRequest(Exception):
    """A request we cannot use; the message is one line for the JSON error."""


async def _read(request: Request, model: type[M]) -> M:
    """The JSON body as `model`; BadRequest (a 400) for anything else."""
    raw = await request.body()
    try:
        data = json.loads(raw or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise BadRequest(f"{where + ': ' if where else ''}{error['msg']}") from None


def rows_json(rows: Rows) -> list[list[dict[str, str]]]:
    """Buttons as {label, action}: the action is the same callback data Telegram's buttons carry."""
    return [[{"label": b.label, "action": encode(b.action)} for b in row] for row in rows]


def bubble_json(bubble: Bubble) -> dict[str, Any]:
    return {
        "who": bubble.who,
        "text": bubble.text,
        "buttons": rows_json(bubble.rows),
        "answer": bubble.answer.contract() if bubble.answer is not None else None,
    }


def turn_json(turn: Turn, chat: WebChat) -> dict[str, Any]:
    """What the page gets for one turn."""
    return {
        "session": turn.session,
        "lang": turn.lang,
        "elder": turn.elder,
        "bubbles": [bubble_json(b) for b in turn.bubbles],
        "form": turn.form,
        "locate": turn.locate,
        "ticket": turn.ticket,
        "labels": chat.labels(chat.engine.responder.kb, turn.lang),
    }


def chat_of(request: Request) -> WebChat:
    chat: WebChat = request.app.state.chat
    return chat


async def ask(request: Request) -> Response:
    """The answer object of `ask --json` for one question or location."""
    body = await _read(request, AskIn)
    if not body.text.strip() and body.lat is None:
        raise BadRequest('"text" (or "lat" and "lon") is required')
    turn = await chat_of(request).turn(
        body.session, body.text, body.lang, body.lat, body.lon, body.want
    )
    answer = next(b.answer for b in turn.bubbles if b.answer is not None)
    return JSONResponse(answer.contract())


async def chat(request: Request) -> Response:
    """One turn of the chat page: text, a pressed button, a location or a QR code's place."""
    body = await _read(request, ChatIn)
    web = chat_of(request)
    turn = await web.turn(
        body.session, body.text, body.lang, body.lat, body.lon, body.want, body.action, body.place
    )
    return JSONResponse(turn_json(turn, web))


def topics_of(kb: Knowledge, lang: str) -> dict[str, Any]:
    return {
        "topics": [{"id": t, "title": topic_title(kb, t, lang)} for t in sorted(kb.topics)],
        "menu": rows_json(menu_rows(kb, lang)),
    }


async def topics(request: Request) -> Response:
    """Topic ids, titles and the menu, per language (or one with ?lang=)."""
    kb = chat_of(request).engine.responder.kb
    wanted = request.query_params.get("lang")
    langs = [wanted] if wanted in LANGUAGES else list(LANGUAGES)
    if wanted is not None and wanted not in LANGUAGES:
        raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}")
    return JSONResponse({lang: topics_of(kb, lang) for lang in langs})


async def feedback(request: Request) -> Response:
    """Record 👍/👎 like Telegram's buttons do."""
    body = await _read(request, FeedbackIn)
    web = chat_of(request)
    sid, state = web.session(body.session)
    user = web_user_id(sid)
    lang = web.language(state, (await web.store.prefs(user)).lang, body.lang)
    await web.store.add_feedback(user, body.topic, body.helpful, lang, body.question)
    return JSONResponse({"ok": True, "session": sid})


async def complaint(request: Request) -> Response:
    """File a complaint; the reply carries its reference."""
    body = await _read(request, ComplaintIn)
    web = chat_of(request)
    turn = await web.complain(body.session, body.lang, body.place, body.what, body.date)
    return JSONResponse(turn_json(turn, web))


async def privacy(request: Request) -> Response:
    """What we keep and for how long."""
    web = chat_of(request)
    params = request.query_params
    turn = await web.privacy(params.get("session"), params.get("lang"))
    return JSONResponse(turn_json(turn, web))


async def forget(request: Request) -> Response:
    """Delete the session's data; the reply carries a new session."""
    body = await _read(request, SessionIn)
    web = chat_of(request)
    return JSONResponse(turn_json(await web.forget(body.session, body.lang), web))


async def staff_replies(request: Request) -> Response:
    """Help-desk replies to this session's tickets newer than ?after=."""
    params = request.query_params
    after = params.get("after", "0")
    if not after.isdigit():
        raise BadRequest("after must be a reply id (a whole number)")
    found = await chat_of(request).staff_replies(params.get("session"), int(after))
    return JSONResponse({"replies": [{"id": i, "text": text} for i, text in found]})


async def healthz(request: Request) -> Response:
    """Liveness and the knowledge version answering now."""
    kb = chat_of(request).engine.responder.kb
    return JSONResponse({"status": "ok", "knowledge": knowledge_version(kb)})


def knowledge_version(kb: Knowledge) -> dict[str, Any]:
    """The snapshot answering now: counts, the newest as_of date and a short digest of ids and dates."""
    items = sorted(
        [(f"t:{t.id}", t.as_of.isoformat()) for t in kb.topics.values()]
        + [(f"p:{p.id}", p.as_of.isoformat()) for p in kb.places.values()]
    )
    digest = hashlib.sha256(json.dumps(items).encode()).hexdigest()[:12]
    return {
        "version": digest,
        "topics": len(kb.topics),
        "places": len(kb.places),
        "as_of": max((d for _, d in items), default=""),
    }


async def openapi(request: Request) -> Response:
    return JSONResponse(spec())


async def bad_request(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


async def closing(request: Request, exc: Exception) -> Response:
    """The store closed under a request (the server is stopping): a 503 to retry, not a bare 500; the
    API's JSON error, or for the page without JavaScript a short page in the browser's language."""
    retry = {"Retry-After": "5"}
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": "PayHelp is restarting; try again in a moment"},
            status_code=503,
            headers=retry,
        )
    lang = page.browser_language(request) or "zh"
    sorry = request.app.state.chat.engine.responder.kb.text("error_generic", lang)
    body = (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><p>{page.esc(sorry)}</p></html>'
    )
    return HTMLResponse(body, status_code=503, headers=retry)


def build_app(
    settings: Settings,
    engine: Engine,
    store: Store,
    desk: Desk | None = None,
    courier: Courier | None = None,
) -> Starlette:
    """The web channel and the staff console on `engine` and `store` (shared with Telegram when both run).

    `desk` is the Telegram staff group; `courier` sends the console's replies to Telegram users.
    """
    middleware = [Middleware(Guard, per_minute=settings.WEB_REQUESTS_PER_MINUTE)]
    if settings.WEB_ALLOWED_ORIGINS:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.WEB_ALLOWED_ORIGINS),
                allow_methods=["GET", "POST"],
                allow_headers=["content-type"],
            )
        )
    routes = [
        Route("/", page.home, methods=["GET", "POST"]),
        Route("/docs", page.docs),
        Route("/healthz", healthz),
        Route("/api/v1/openapi.json", openapi),
        Route("/api/v1/ask", ask, methods=["POST"]),
        Route("/api/v1/chat", chat, methods=["POST"]),
        Route("/api/v1/topics", topics),
        Route("/api/v1/feedback", feedback, methods=["POST"]),
        Route("/api/v1/complaint", complaint, methods=["POST"]),
        Route("/api/v1/privacy", privacy),
        Route("/api/v1/forget", forget, methods=["POST"]),
        Route("/api/v1/replies", staff_replies),
        *console_routes(),
        *dashboard_routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={BadRequest: bad_request, StoreClosed: closing},
    )
    app.state.chat = WebChat(engine, store, settings, desk)
    app.state.console = make_console(settings, engine, store, courier)
    return app
