"""The contract in bot/contract.py matches the code: every interface text asked for is declared with
the placeholders filled, callback data round-trip, and ui.yaml mistakes are kb check errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import contract
from bot.callbacks import (
    ELDER_BUTTONS,
    MENU,
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
    SkipDate,
    decode,
    encode,
)
from bot.contract import CALL_LINES, INTENT_TEXTS, STAFF_TEXTS, UI
from bot.knowledge import require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE
from tests.helpers import ROOT, run_cli

FAMILIES = {
    "want.",
    "kind.",
    "accept.",
    "service.",
    "cmd.",
    "call.",
}  # prefixes of keys the code builds from a value
OPTIONAL = {"topic."}  # a topic's button title; the id is shown without one
# Where the code passes a key in a variable, the values it can hold: the menu, the big buttons, the responder's one-text answers.
NEEDS = require_knowledge(BUNDLED_KNOWLEDGE).needs
assert NEEDS is not None
VARIABLE_KEYS = {
    "bot/channel.py": {key for key, _ in MENU} | set(ELDER_BUTTONS),
    "bot/responder.py": set(INTENT_TEXTS),
    "handlers/web/console.py": {f"staff.{name}" for name in STAFF_TEXTS},
    # a need's note names its text in needs.yaml (kb check holds it to the contract)
    "bot/where.py": {n.note.text for n in NEEDS.needs if n.note},
}


def _code_files() -> list[Path]:
    """The code that may ask for interface texts: bot/ and handlers/ with its channel packages."""
    return sorted(path for folder in ("bot", "handlers") for path in (ROOT / folder).rglob("*.py"))


def asked_for() -> tuple[dict[str, set[tuple[str, ...]]], set[str], dict[str, list[str]]]:
    """(key -> placeholder sets the code passes, prefixes of built keys, file -> keys passed in a variable)."""
    keys: dict[str, set[tuple[str, ...]]] = {}
    prefixes: set[str] = set()
    variables: dict[str, list[str]] = {}
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "text"
                and node.args
            ):
                continue
            filled = tuple(sorted(k.arg for k in node.keywords if k.arg))
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    keys.setdefault(option.value, set()).add(filled)
                elif isinstance(option, ast.JoinedStr) and isinstance(
                    option.values[0], ast.Constant
                ):
                    prefixes.add(str(option.values[0].value))
                elif isinstance(option, ast.BinOp) and isinstance(option.left, ast.Constant):
                    prefixes.add(str(option.left.value))
                else:
                    variables.setdefault(str(path.relative_to(ROOT)), []).append(
                        ast.unparse(option)
                    )
    return keys, prefixes, variables


def test_every_interface_text_the_code_asks_for_is_declared_with_the_placeholders_it_fills() -> (
    None
):
    keys, prefixes, variables = asked_for()
    assert {key: filled for key, filled in keys.items() if key not in UI} == {}
    assert {key: filled for key, filled in keys.items() if filled != {tuple(sorted(UI[key]))}} == {}
    assert prefixes <= FAMILIES | OPTIONAL
    assert set(variables) <= set(VARIABLE_KEYS)
    for family in prefixes - OPTIONAL:
        assert any(key.startswith(family) for key in UI), family
    declared_static = {key for key in UI if not key.startswith(tuple(FAMILIES))}
    used = set(keys) | set().union(*VARIABLE_KEYS.values())
    assert declared_static - used == set()  # nothing declared that no code asks for


def test_every_call_line_has_its_text_with_the_phone_only_where_it_has_one() -> None:
    assert {line: UI[f"call.{line}"] for line in CALL_LINES} == {
        "card-bank": (),
        "complaint-line": ("phone",),
        "service-center": (),
    }


def test_the_checker_finds_a_key_the_contract_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "handlers" / "web"  # a channel package one level down is read too
    package.mkdir(parents=True)
    (package / "page.py").write_text(
        'def f(kb):\n    return kb.text("no_such_key", "en", n=1) + kb.text(f"want.{x}", "en")\n'
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    keys, prefixes, _ = asked_for()
    assert (keys, prefixes) == ({"no_such_key": {("n",)}}, {"want."})


ACTIONS = [
    OpenTopic("currency-exchange"),
    Person(),
    Menu(),
    NoneOfThese(),
    ElderMode(),
    PickLanguage(),
    SetLanguage("ko"),
    Feedback(True, "atm-foreign-card"),
    Feedback(False, "ynj-airport"),
    Near("service-center"),
    Complain(),
    SkipDate(),
    More("atm-foreign-card"),
]


@pytest.mark.parametrize("action", ACTIONS, ids=[type(a).__name__ for a in ACTIONS])
def test_callback_data_round_trips_within_64_bytes(action: contract.Action) -> None:
    data = encode(action)
    assert (decode(data), len(data.encode()) <= 64) == (action, True)


def test_callback_data_keeps_the_wire_format_of_buttons_already_sent() -> None:
    assert [encode(a) for a in ACTIONS] == [
        "t:currency-exchange",
        "h",
        "m",
        "n",
        "e",
        "lang",
        "l:ko",
        "f:1:atm-foreign-card",
        "f:0:ynj-airport",
        "w:service-center",
        "c",
        "cs",
        "mo:atm-foreign-card",
    ]


@pytest.mark.parametrize(
    "data", [None, "", "x", "l:de", "w:pizza", "f:2:atm", "t:", "cs:", "mo:", 42]
)
def test_data_we_never_sent_decodes_to_nothing(data: object) -> None:
    assert decode(data) is None


def test_a_long_topic_id_is_cut_to_64_bytes() -> None:
    assert len(encode(OpenTopic("a" * 100)).encode()) == 64


UI_MISTAKES = [
    (
        "misspelt placeholder",
        ('  en: "Accepts: {items}"', '  en: "Accepts: {itmes}"'),
        "place_accepts.en: {itmes} is not filled by the code (placeholders here: {items})",
    ),
    (
        "placeholder where none is filled",
        ('  en: "Back to menu"', '  en: "Back to {menu}"'),
        "btn.back.en: {menu} is not filled by the code (placeholders here: none)",
    ),
    (
        "broken brace",
        ('  en: "Accepts: {items}"', '  en: "Accepts: {items"'),
        "place_accepts.en: broken placeholder (expected '}' before end of string); write {{ and }} for a literal brace",
    ),
    (
        "missing key",
        ("\nrate_limited:", "\nrate_limitd:"),
        "knowledge/ui.yaml:1: rate_limited: required interface text is missing",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [m[1:] for m in UI_MISTAKES], ids=[m[0] for m in UI_MISTAKES]
)
def test_ui_mistakes_are_kb_check_errors(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], expected: str
) -> None:
    ui = kb_copy / "ui.yaml"
    text = ui.read_text(encoding="utf-8")
    assert change[0] in text
    ui.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    errors = [line for line in out.splitlines() if "ui.yaml" in line]
    assert code == 1
    assert len(errors) == 1 and errors[0].endswith(expected), errors
