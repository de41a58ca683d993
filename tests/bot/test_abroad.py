"""Paying outside mainland China: told that PayHelp covers the mainland, not answered with a topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.abroad import Abroad
from bot.answer import Query
from bot.engine import Engine
from bot.knowledge import load_knowledge, require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE
from tests.helpers import run_cli

KB = require_knowledge(BUNDLED_KNOWLEDGE)
ABROAD = Abroad(KB)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("does alipay work in japan", "japan"),
        ("日本でクレジットカードや現金を使用する方が良いですか?", "japan"),
        ("在东京便利店能刷银联卡吗", "japan"),
        ("홍콩에서 알리페이 돼요?", "hong-kong"),
        ("работает ли алипей в Гонконге", "hong-kong"),
        ("WeChat Pay nedir? Türkiye’de nerelerde geçerli?", "turkey"),
        ("Bisakah bayar pakai Alipay di Indonesia?", "indonesia"),
        ("Est-ce qu'on peut payer avec WeChat au Japon ?", "japan"),
        ("can I use my UnionPay card in the UK", "europe"),
    ],
)
def test_a_country_named_as_where_paying_happens_is_found(text: str, country: str) -> None:
    found = ABROAD.find(text)
    assert (found.id if found else None) == country


@pytest.mark.parametrize(
    "text",
    [
        "Can I use my Japanese card in China?",
        "日本のクレジットカードは使えますか",  # a visitor's home card, not where they pay
        "한국에서 온 유학생인데 위챗페이 쓸 수 있나요?",  # a student from Korea
        "외국인도 현지 카드 발급 됨?",  # "인도" (India) inside "외국인도"
        "Should I exchange money in Korea before going to China?",  # the mainland is named too
        "我在韩国打工攒了些韩币，回国想换成人民币",
        "Hi, flying home to Sydney on Sunday with 800 yuan left",
        "does pingyao ancient city take visa",
    ],
)
def test_a_home_country_or_a_trip_to_the_mainland_is_not_abroad(text: str) -> None:
    assert ABROAD.find(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "does alipay work in japan",
            "PayHelp only answers questions about paying in mainland China, so I can't tell you how "
            "paying works in Japan.",
        ),
        ("홍콩에서 알리페이 돼요?", "PayHelp는 중국 본토에서의 결제만 안내해요. 홍콩에서의 결제는"),
        ("在日本用支付宝付款可以吗", "PayHelp 只回答在中国大陆怎么付钱。在日本怎么付钱"),
    ],
)
def test_the_user_is_told_payhelp_covers_the_mainland_naming_the_country(
    engine: Engine, text: str, expected: str
) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic, answer.text.startswith(expected)) == (
        "fallback",
        None,
        True,
    ), answer.text


def test_the_same_question_about_the_mainland_is_answered(engine: Engine) -> None:
    answer = engine.answer(Query(text="does alipay work in china"))
    assert (answer.kind, answer.topic) == ("faq", "mobile-pay-setup")


def test_a_knowledge_folder_without_countries_finds_nothing(kb_copy: Path) -> None:
    (kb_copy / "countries.yaml").unlink()
    assert Abroad(require_knowledge(kb_copy)).find("does alipay work in japan") is None


def test_a_broken_country_names_file_line_and_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = kb_copy / "countries.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  kind: abroad\n", "  kind: overseas\n", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    problems = [line for line in out.splitlines() if "countries.yaml" in line]
    assert code == 1
    assert problems == [
        "knowledge/countries.yaml:25: kind: must be one of 'mainland' or 'abroad' (in hong-kong)"
    ]
    assert load_knowledge(kb_copy)[0] is None
