"""Where answers from `ask --json` and the terminal chat: links and the card as fields and in the text."""

from __future__ import annotations

import json

from bot.answer import Query
from bot.engine import Engine
from bot.render import as_text
from bot.where import cards_text, link_line
from tests.helpers import run_cli


def test_ask_json_returns_links_and_the_card_as_fields_and_in_the_text(engine: Engine) -> None:
    code, out = run_cli("ask", "ATM in Yanji", "--json")
    answer = json.loads(out)
    expected = engine.answer(Query(text="ATM in Yanji"))
    assert (code, answer["kind"], answer["places"], answer["want"]) == (
        0,
        "nearby",
        ["ynj-airport"],
        "atm",
    )
    assert answer["links"] == [link.model_dump() for link in expected.links]
    assert [link["url"].split("?")[0] for link in answer["links"]] == [
        "https://uri.amap.com/search",
        "https://api.map.baidu.com/place/search",
        "https://maps.apple.com/",
    ]
    assert answer["show_local"] == "请问附近哪里有能用外国银行卡取钱的ATM？"
    lines = answer["text"].splitlines()
    assert all(link_line(link) in lines for link in expected.links)
    assert answer["show_local"] in lines


def test_ask_location_json_has_links_and_card() -> None:
    code, out = run_cli("ask", "--lat", "43.88", "--lon", "125.32", "--want", "exchange", "--json")
    answer = json.loads(out)
    assert (code, answer["places"], answer["show_local"]) == (
        0,
        ["cgq-airport"],
        "我想换人民币，请问最近的中国银行在哪里？",
    )
    assert "coord_type=wgs84" in answer["links"][1]["url"]


def test_terminal_chat_shows_links_the_card_and_the_cards_on_local(engine: Engine) -> None:
    kb = engine.responder.kb
    code, out = run_cli("chat", stdin="ATM in Yanji\n/local\n", tty=True)
    answer = engine.answer(Query(text="ATM in Yanji"))
    assert code == 0
    assert f"> {as_text(answer, kb)}\n" in out
    assert f"> {cards_text(kb, 'en')}\n" in out
    assert "我只有现金，可以付现金吗？\n(I only have cash. Can I pay in cash?)" in out
