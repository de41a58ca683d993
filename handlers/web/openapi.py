"""The API's machine-readable description (OpenAPI 3.1), made from the same models that validate requests."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from bot.answer import Answer
from handlers.web.models import AskIn, ChatIn, ComplaintIn, FeedbackIn, SessionIn

ERROR = {"$ref": "#/components/schemas/Error"}
TURN = {"$ref": "#/components/schemas/Turn"}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        },
    }


def _ok(schema: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "200": {"description": what, "content": {"application/json": {"schema": schema}}},
        "400": {
            "description": "bad JSON or a bad field",
            "content": {"application/json": {"schema": ERROR}},
        },
        "413": {
            "description": "body over 16 KB",
            "content": {"application/json": {"schema": ERROR}},
        },
        "429": {
            "description": "too many requests from this client",
            "content": {"application/json": {"schema": ERROR}},
        },
        "503": {
            "description": "the server is restarting: retry after the Retry-After header's seconds",
            "content": {"application/json": {"schema": ERROR}},
        },
    }


def _post(
    summary: str, model: type[BaseModel], schema: dict[str, Any], what: str
) -> dict[str, Any]:
    return {
        "post": {"summary": summary, "requestBody": _body(model), "responses": _ok(schema, what)}
    }


def _get(
    summary: str, params: list[tuple[str, str]], schema: dict[str, Any], what: str
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": [
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": text,
                }
                for name, text in params
            ],
            "responses": _ok(schema, what),
        }
    }


@cache
def spec() -> dict[str, Any]:
    """The OpenAPI document served at /api/v1/openapi.json and rendered at /docs."""
    models: list[type[BaseModel]] = [Answer, AskIn, ChatIn, FeedbackIn, ComplaintIn, SessionIn]
    schemas: dict[str, Any] = {
        m.__name__: m.model_json_schema(ref_template="#/components/schemas/{model}") for m in models
    }
    schemas["Error"] = {
        "type": "object",
        "properties": {"error": {"type": "string"}},
        "required": ["error"],
    }
    button = {
        "type": "object",
        "properties": {"label": {"type": "string"}, "action": {"type": "string"}},
    }
    schemas["Turn"] = {
        "type": "object",
        "description": "What the chat page shows for one turn: bubbles with buttons (an action is sent back as `action`).",
        "properties": {
            "session": {"type": "string"},
            "lang": {"type": "string"},
            "elder": {"type": "boolean"},
            "bubbles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "who": {"enum": ["bot", "user", "staff"]},
                        "text": {"type": "string"},
                        "buttons": {"type": "array", "items": {"type": "array", "items": button}},
                        "answer": {
                            "anyOf": [{"$ref": "#/components/schemas/Answer"}, {"type": "null"}]
                        },
                    },
                },
            },
            "form": {"type": ["string", "null"]},
            "locate": {"type": "boolean"},
            "ticket": {"type": ["integer", "null"]},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    answer = {"$ref": "#/components/schemas/Answer"}
    obj = {"type": "object"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PayHelp API",
            "version": "1",
            "description": "Answers about paying in China, in zh, en, ko, ru and ja, from a sourced knowledge base. "
            "The answer object is the one `python -m bot ask --json` prints.",
        },
        "paths": {
            "/api/v1/ask": _post(
                "Answer one question or a shared location", AskIn, answer, "the answer object"
            ),
            "/api/v1/topics": _get(
                "Topic ids, titles and the menu per language",
                [("lang", "one of zh, en, ko, ru, ja; all five when absent")],
                obj,
                "{lang: {topics: [{id, title}], menu: [[{label, action}]]}}",
            ),
            "/api/v1/feedback": _post(
                "Record 👍 or 👎 for a topic or place", FeedbackIn, obj, "{ok, session}"
            ),
            "/api/v1/chat": _post(
                "One turn of the chat page (text, a button's action, a location or a place)",
                ChatIn,
                TURN,
                "the turn",
            ),
            "/api/v1/complaint": _post(
                "File a complaint; the reply gives its reference", ComplaintIn, TURN, "the turn"
            ),
            "/api/v1/privacy": _get(
                "What is kept and for how long",
                [("session", "the session"), ("lang", "language hint")],
                TURN,
                "the turn",
            ),
            "/api/v1/forget": _post(
                "Delete what is kept about a session",
                SessionIn,
                TURN,
                "the turn, with a new session",
            ),
            "/api/v1/replies": _get(
                "Help-desk replies to this session's tickets",
                [("session", "the session"), ("after", "the last reply id seen")],
                obj,
                "{replies: [{id, text}]}",
            ),
            "/healthz": _get(
                "Liveness and the knowledge version",
                [],
                obj,
                "{status, knowledge: {version, topics, places, as_of}}",
            ),
        },
        "components": {"schemas": schemas},
    }
