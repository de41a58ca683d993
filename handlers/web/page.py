"""The chat page, rendered on the server: it works without JavaScript (every button is a form button),
and /static/chat.js turns it into a live chat. Every dynamic string is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.callbacks import encode
from bot.contract import LANGUAGE_NAMES, LANGUAGES
from bot.language import hint_language
from handlers.web.conversation import Bubble, Turn, WebChat

POLL_MS = 3000  # how often the page asks for a staff reply while a ticket is open


def esc(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def browser_language(request: Request) -> str | None:
    """?lang= when given, else the first of the browser's languages we answer in."""
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        lang = hint_language(part.split(";")[0].strip())
        if lang:
            return lang
    return None


def bubble_html(bubble: Bubble) -> str:
    """One message: text (newlines kept by CSS) and its buttons, each a form button carrying its action."""
    rows = "".join(
        '<div class="row">'
        + "".join(
            f'<button type="submit" name="action" value="{esc(encode(b.action))}">{esc(b.label)}</button>'
            for b in row
        )
        + "</div>"
        for row in bubble.rows
    )
    links = "".join(
        f'<a class="maplink" href="{esc(link.url)}" target="_blank" rel="noopener noreferrer">🗺 {esc(link.label)}</a>'
        for link in (bubble.answer.links if bubble.answer is not None else ())
    )
    return f'<div class="bubble {esc(bubble.who)}"><p>{esc(bubble.text)}</p>{links}{rows}</div>'


def render(chat: WebChat, turn: Turn, bubbles: Iterable[Bubble]) -> str:
    """The whole page in the turn's language."""
    kb = chat.engine.responder.kb
    t = chat.labels(kb, turn.lang)
    current = ' aria-current="true"'
    langs = "".join(
        f'<button type="submit" name="action" value="l:{code}" lang="{code}"'
        f"{current if code == turn.lang else ''}>{esc(LANGUAGE_NAMES[code])}</button>"
        for code in LANGUAGES
    )
    log = "".join(bubble_html(b) for b in bubbles)
    hidden = "" if turn.form == "complaint" else " hidden"
    body_class = "elder" if turn.elder else ""
    poll = f' data-ticket="{turn.ticket}"' if turn.ticket else ""
    return f"""<!doctype html>
<html lang="{esc(turn.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(t["web.title"])}</title>
<link rel="stylesheet" href="/static/chat.css">
<script src="/static/chat.js" defer></script>
</head>
<body class="{body_class}" data-poll="{POLL_MS}"{poll}>
<form id="chat" method="post" action="/">
<div class="ask">
<label for="text" class="sr-only" data-label="web.ask">{esc(t["web.ask"])}</label>
<input id="text" name="text" type="text" autocomplete="off" maxlength="2000" placeholder="{esc(t["web.ask"])}" data-placeholder="web.ask">
<button type="submit" name="do" value="send" class="send" data-label="web.send">{esc(t["web.send"])}</button>
</div>
<header>
<h1 data-label="web.title">{esc(t["web.title"])}</h1>
<nav class="langs" aria-label="Language / 语言">{langs}</nav>
</header>
<input type="hidden" name="session" value="{esc(turn.session)}">
<input type="hidden" name="lang" value="{esc(turn.lang)}">
<main id="log" aria-live="polite">{log}</main>
<fieldset id="complaint"{hidden}>
<legend data-label="cmd.complain">{esc(t["cmd.complain"])}</legend>
<label for="c-place" data-label="web.complain_place">{esc(t["web.complain_place"])}</label>
<input id="c-place" name="place" maxlength="500">
<label for="c-what" data-label="complain_what">{esc(t["complain_what"])}</label>
<textarea id="c-what" name="what" rows="3" maxlength="3000"></textarea>
<label for="c-date" data-label="complain_date">{esc(t["complain_date"])}</label>
<input id="c-date" name="date" maxlength="100">
<div class="row"><button type="submit" name="do" value="complain" data-label="web.submit">{esc(t["web.submit"])}</button>
<button type="submit" name="do" value="cancel" data-label="web.cancel">{esc(t["web.cancel"])}</button></div>
</fieldset>
<div class="tools">
<button type="submit" name="do" value="locate" data-label="btn.location">{esc(t["btn.location"])}</button>
<button type="submit" name="action" value="h" data-label="btn.person">{esc(t["btn.person"])}</button>
<button type="submit" name="action" value="e" data-label="btn.elder" aria-pressed="{str(turn.elder).lower()}">{esc(t["btn.elder"])}</button>
<button type="submit" name="action" value="c" data-label="cmd.complain">{esc(t["cmd.complain"])}</button>
<button type="submit" name="do" value="privacy" data-label="cmd.privacy">{esc(t["cmd.privacy"])}</button>
<button type="submit" name="do" value="forget" data-label="cmd.forget">{esc(t["cmd.forget"])}</button>
</div>
</form>
<p hidden data-label="web.location_denied">{esc(t["web.location_denied"])}</p>
<p hidden data-label="error_generic">{esc(t["error_generic"])}</p>
<footer><a href="/docs">API</a></footer>
</body>
</html>
"""


async def home(request: Request) -> Response:
    """GET: the page with a greeting (or a QR code's place); POST: a form turn, for browsers without JavaScript."""
    chat: WebChat = request.app.state.chat
    hint = browser_language(request)
    if request.method == "GET":
        place = request.query_params.get("place")
        turn = await chat.turn(None, hint=hint, place=place)
        return HTMLResponse(render(chat, turn, turn.bubbles))
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode(errors="replace")).items()}
    sid, hint = form.get("session"), form.get("lang") or hint
    do = form.get("do", "send")
    if "action" in form:
        turn = await chat.turn(sid, hint=hint, action=form["action"][:64])
    elif do == "privacy":
        turn = await chat.privacy(sid, hint)
    elif do == "forget":
        turn = await chat.forget(sid, hint)
    elif do == "complain" and form.get("place", "").strip() and form.get("what", "").strip():
        turn = await chat.complain(
            sid, hint, form["place"][:500], form["what"][:3000], form.get("date", "")[:100]
        )
    elif do == "locate":  # sharing a location needs JavaScript; say so, and how to ask instead
        turn = await chat.turn(sid, hint=hint)
        turn.bubbles = [Bubble(chat.engine.responder.kb.text("web.location_denied", turn.lang))]
    else:
        turn = await chat.turn(sid, form.get("text", "")[:2000], hint)
    _, state = chat.session(turn.session)
    return HTMLResponse(render(chat, turn, state.history if state.history else turn.bubbles))


async def docs(request: Request) -> Response:
    """The API's description as a readable page (served here, no CDN)."""
    from handlers.web.openapi import spec

    document = spec()
    sections = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody")
            fields = ""
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                props = document["components"]["schemas"][ref].get("properties", {})
                fields = (
                    "<ul>"
                    + "".join(
                        f"<li><code>{esc(name)}</code> {esc(prop.get('description', prop.get('type', '')))}</li>"
                        for name, prop in props.items()
                    )
                    + "</ul>"
                )
            params = "".join(
                f"<li><code>?{esc(p['name'])}=</code> {esc(p['description'])}</li>"
                for p in operation.get("parameters", [])
            )
            reply = operation["responses"]["200"]["description"]
            sections.append(
                f"<section><h2><code>{esc(method.upper())} {esc(path)}</code></h2>"
                f"<p>{esc(operation['summary'])}</p>{fields}"
                f"{'<ul>' + params + '</ul>' if params else ''}<p>→ {esc(reply)}</p></section>"
            )
    info = document["info"]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(info["title"])}</title><link rel="stylesheet" href="/static/chat.css"></head>
<body class="docs"><h1>{esc(info["title"])}</h1><p>{esc(info["description"])}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. Errors are
<code>{{"error": "…"}}</code> with 400 (bad JSON or field), 413 (body over 16 KB), 429 (too many requests) or 503 (the server is restarting: retry after the <code>Retry-After</code> seconds).</p>
{"".join(sections)}<p><a href="/">← chat</a></p></body></html>
"""
    return HTMLResponse(page)
