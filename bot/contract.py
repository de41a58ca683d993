"""The contract every part shares, each item written once: languages, wants, the place vocabulary,
commands, and the interface texts the code asks for with the placeholders it fills (the buttons'
callback data are in bot/callbacks.py).

Channels, the core and the knowledge checks import from here; this module imports nothing of PayHelp.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

# Languages: PayHelp answers in these five; everything else is answered in English.
Lang = Literal["zh", "en", "ko", "ru", "ja"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"zh": "中文", "en": "English", "ko": "한국어", "ru": "Русский", "ja": "日本語"}
)

# What to look for near a shared location.
Want = Literal["atm", "exchange", "bank", "service-center"]
WANTS: tuple[Want, ...] = get_args(Want)

# What a visitor needs in a "where" or yes/no place question; each has a card to show a local (knowledge/needs.yaml).
Need = Literal["atm", "exchange", "bank", "service-center", "card", "wallet", "cash"]

# Whether a source confirms a place exists with what it lists (checked), or only a plan says it should (planned).
PlaceStatus = Literal["checked", "planned"]

# The place vocabulary editors may write in knowledge/places.
PlaceKind = Literal[
    "airport",
    "railway-station",
    "scenic-spot",
    "district",
    "hotel",
    "hospital",
    "mall",
    "bank-branch",
    "atm",
    "exchange-counter",
    "payment-service-center",
]
Accept = Literal[
    "foreign-cards",
    "bank-cards",
    "visa",
    "mastercard",
    "jcb",
    "amex",
    "diners",
    "discover",
    "unionpay",
    "alipay",
    "wechat-pay",
    "mobile-payment",
    "foreign-wallets",
    "ecny",
    "cash",
]
Service = Literal[
    "currency-exchange",
    "foreign-card-atm",
    "payment-service-center",
    "change-pack",
    "simplified-account-opening",
    "green-channel",
    "payment-guide",
    "demo-zone",
]

# Who an older person is told to call after an answer (a topic's optional `call:`): the card's bank
# on the number printed on the card, the PBOC complaint line, or staff at a counter (no number).
CallLine = Literal["card-bank", "complaint-line", "service-center"]
CALL_LINES: tuple[CallLine, ...] = get_args(CallLine)

# Commands: everyone's (shown in Telegram's menu, each with a cmd.<name> text) and the help desk's.
COMMANDS: tuple[str, ...] = ("start", "help", "language", "elder", "complain", "privacy", "forget")
STAFF_COMMANDS: tuple[str, ...] = ("stats", "unanswered", "reload", "send", "close")


INTENT_TEXTS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "handoff",
    "fallback",
)  # the responder's answers that are one text


STAFF_LANG = (
    "zh"  # staff read Chinese first: the console, the staff group's confirmations, tickets' glosses
)
STAFF_TEXTS: tuple[str, ...] = (  # the staff console's words (staff.slow has a placeholder, below)
    "title",
    "name",
    "password",
    "sign_in",
    "sign_out",
    "wrong",
    "inbox",
    "question",
    "answer",
    "chinese",
    "reply",
    "send_topic",
    "close",
    "closed",
    "ask",
    "ask_hint",
    "ask_button",
    "none",
    "dashboard",
    "from",
    "to",
    "apply",
    "csv",
    "no_data",
    "fig_messages",
    "fig_kinds",
    "not_delivered",
    "group_answered",
    "group_clarify",
    "group_fallback",
    "group_handoff",
    "fig_topics",
    "fig_votes",
    "fig_unanswered",
    "fig_complaints",
    "fig_coverage",
    "fig_map",
    "map_note",
    "key_places",
    "col_city",
    "col_atms",
    "col_exchange",
    "col_places",
)


def _family(prefix: str, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {f"{prefix}.{name}": () for name in names}


# Every interface text the code asks for, with the placeholders it fills. ui.yaml must have each
# in all five languages, using no other placeholder (kb check). `topic.<id>` texts are optional
# button titles (the id is shown without one); tests/test_contract.py checks this list against the code.
UI: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "greeting": (),
        "thanks": (),
        "menu_title": (),
        "fallback": (),
        "abroad": ("place",),
        "clarify": (),
        "clarify_none": (),
        "handoff": (),
        "handoff_unavailable": (),
        "handoff_closed": (),
        "other_language": (),
        "help": (),
        "place_accepts": ("items",),
        "place_services": ("items",),
        "place_inside": ("items",),
        "place_parent": ("name",),
        "place_where": ("city", "province"),
        "place_source": ("source", "date"),
        "place_check": (),
        "nearby_title": ("service",),
        "nearby_none": ("service",),
        "nearby_ask": ("service",),
        "nearby_outside": (),
        "nearby_any": (),
        "nearby_far": ("service", "name", "distance"),
        "nearby_instead": (),
        "nearby_checked": ("items",),
        "nearby_planned": ("items",),
        "city_title": ("service", "city"),
        "city_none": ("service", "city"),
        "verdict_yes": ("name", "what"),
        "verdict_planned": ("name", "what"),
        "verdict_unknown": ("name", "what"),
        "verdict_foreign_unknown": (),
        "cash_rule": (),
        "local_title": (),
        "local_menu": (),
        "map_amap": (),
        "map_baidu": (),
        "map_apple": (),
        "place_status_checked": (),
        "place_status_planned": (),
        "place_address": ("address",),
        "place_phone": ("phone",),
        "place_hours": ("hours",),
        "place_imported": ("source",),
        "unit_km": ("km",),
        "unit_m": ("m",),
        "call.card-bank": (),
        "call.complaint-line": ("phone",),
        "call.service-center": (),
        "faq_source": ("source", "date"),
        "more_hint": (),
        "more_none": (),
        "elder_on": (),
        "elder_off": (),
        "language_prompt": (),
        "language_set": (),
        "feedback_thanks": (),
        "feedback_sorry": (),
        "error_generic": (),
        "rate_limited": (),
        "unknown_command": (),
        "unsupported_media": (),
        "privacy": ("days",),
        "forget_done": (),
        "staff_reply": (),
        "staff_note_zh": (),
        "complain_place": (),
        "complain_what": (),
        "complain_date": (),
        "complain_done": ("ref",),
        "complain_cancelled": (),
        "btn.exchange": (),
        "btn.atm": (),
        "btn.card": (),
        "btn.mobile": (),
        "btn.account": (),
        "btn.cash": (),
        "btn.complaint": (),
        "btn.person": (),
        "btn.location": (),
        "btn.language": (),
        "btn.elder": (),
        "btn.back": (),
        "btn.complain": (),
        "btn.local": (),
        "btn.skip": (),
        "btn.more": (),
        "web.title": (),
        "web.ask": (),
        "web.send": (),
        "web.submit": (),
        "web.cancel": (),
        "web.location_denied": (),
        "web.complain_place": (),
        **_family("staff", STAFF_TEXTS),
        "staff.slow": ("seconds",),
        # the Telegram staff group's confirmations
        "staff.reloaded": ("topics", "places"),
        "staff.reload_failed": ("count", "errors"),
        "staff.sent": ("ticket",),
        "staff.sent_topic": ("language", "topic", "ticket"),
        "staff.send_usage": ("topics",),
        "staff.ticket_closed": ("ticket",),
        **_family("want", WANTS),
        **_family("kind", get_args(PlaceKind)),
        **_family("accept", get_args(Accept)),
        **_family("service", get_args(Service)),
        **_family("cmd", COMMANDS),
    }
)
UI_KEYS: tuple[str, ...] = tuple(UI)
OPTIONAL_UI_PREFIXES: tuple[str, ...] = ("topic.",)
