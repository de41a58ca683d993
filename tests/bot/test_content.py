"""What the bundled knowledge tells users for issue 13: new topics, short answers, the right phone numbers."""

from __future__ import annotations

import re

import pytest

from bot.answer import Query
from bot.engine import Engine
from bot.shape import front_and_back

LANGS = ("zh", "en", "ko", "ru", "ja")
NEW_TOPICS = (
    "card-pin-forgotten",
    "wallet-balance",
    "family-transfer",
    "learn-scan-to-pay",
    "open-account-resident",
    "contactless-wallets",
    "pay-a-person",
    "refund-foreign-card",
    "departure-tax-refund",
    "no-data-dead-phone",
    "train-metro-tickets",
    "korean-won-yanbian",
)


@pytest.mark.parametrize(
    ("text", "hint", "topic", "lang"),
    [
        ("i forgot the pin for my debit card", None, "card-pin-forgotten", "en"),
        ("微信里的钱咋看还剩多少", None, "wallet-balance", "zh"),
        ("给在外地的儿子打钱怎么操作", None, "family-transfer", "zh"),
        ("can i use apple pay in china", None, "contactless-wallets", "en"),
        ("tax refund when leaving china", None, "departure-tax-refund", "en"),
        ("俺手机没电了 咋付钱", None, "no-data-dead-phone", "zh"),
        ("Как иностранцу купить билет на поезд через 12306", None, "train-metro-tickets", "ru"),
        ("연길에서 한국 돈 써도 돼요?", None, "korean-won-yanbian", "ko"),
        ("Apple Payは中国で使える？", None, "contactless-wallets", "ja"),
    ],
)
def test_new_topics_answer_their_questions(
    engine: Engine, text: str, hint: str | None, topic: str, lang: str
) -> None:
    answer = engine.answer(Query(text=text, hint=hint))
    assert (answer.kind, answer.topic, answer.lang) == ("faq", topic, lang)
    steps, _ = front_and_back(engine.responder.kb.topics[topic].answer.get(lang))
    assert answer.text == steps


@pytest.mark.parametrize("lang", LANGS)
def test_every_topic_has_a_short_version_of_three_steps_at_most(engine: Engine, lang: str) -> None:
    kb = engine.responder.kb
    for topic in kb.topics.values():
        short = getattr(topic.short, lang)
        assert short, f"{topic.id} has no short {lang} text"
        steps = re.findall(r"^\d+\. ", short, flags=re.M)
        assert 1 <= len(steps) <= 3, f"{topic.id} short {lang} has {len(steps)} steps"


def test_elder_mode_answers_with_the_short_version_in_the_users_language(engine: Engine) -> None:
    kb = engine.responder.kb
    answer = engine.responder.faq("card-pin-forgotten", "ru", elder=True)
    assert answer.text.startswith(kb.topics["card-pin-forgotten"].short.ru.rstrip())


@pytest.mark.parametrize("lang", LANGS)
def test_new_topics_have_button_titles(engine: Engine, lang: str) -> None:
    kb = engine.responder.kb
    for topic in NEW_TOPICS:
        assert topic in kb.topics
        assert kb.text(f"topic.{topic}", lang) != f"topic.{topic}"


@pytest.mark.parametrize("lang", LANGS)
def test_12363_is_not_offered_as_urgent_help_or_an_atm_finder(engine: Engine, lang: str) -> None:
    kb = engine.responder.kb
    assert "12363" not in kb.text("handoff", lang)
    assert "12363" not in kb.text("nearby_none", lang, service="ATM")
    assert "110" in kb.text("handoff", lang)


def test_sources_users_may_see_name_no_internal_file(engine: Engine) -> None:
    kb = engine.responder.kb
    sources = [t.source for t in kb.topics.values()] + [p.source for p in kb.places.values()]
    assert [
        s for s in sources if "facts.md" in s or re.search(r"§\d", s)
    ] == []  # "§二(一)" is a plan's section, fine


def test_fraud_answers_send_reports_to_110(engine: Engine) -> None:
    kb = engine.responder.kb
    elder = kb.topics["elderly-mobile-pay"]
    assert "110" in elder.short.zh and "96110" not in elder.short.zh
    assert "96110(사기 신고)" not in elder.answer.ko


@pytest.mark.parametrize("key", ["fallback", "abroad"])
@pytest.mark.parametrize("lang", LANGS)
def test_texts_that_say_tap_talk_to_a_person_quote_the_buttons_label(
    engine: Engine, key: str, lang: str
) -> None:
    """The label is written again inside these texts: renaming the button must rename it there too."""
    kb = engine.responder.kb
    label = kb.text("btn.person", lang)
    assert label in kb.ui[key].get(lang), (key, lang, label)


@pytest.mark.parametrize(
    ("text", "lang", "fee"),
    [
        ("微信里的钱怎么提现", "zh", "一共只有1000元免费额度，超过的部分收0.1%，每笔至少0.1元"),
        (
            "how can I withdraw the money in my WeChat wallet to my card",
            "en",
            "1,000 yuan free per ID number in total, then 0.1%, at least 0.1 yuan",
        ),
        (
            "위챗 잔액을 은행카드로 출금하고 싶어요",
            "ko",
            "모두 합쳐 1,000위안까지 무료, 그 뒤로 0.1%, 최소 0.1위안",
        ),
        (
            "как вывести остаток алипей на банковскую карту",
            "ru",
            "1000 юаней в сумме на один номер документа, дальше 0,1%, не меньше 0,1 юаня",
        ),
        (
            "アリペイの残高を銀行に出金する方法",
            "ja",
            "合計1,000元まで無料、その後は0.1%、最低0.1元",
        ),
    ],
)
def test_withdrawing_a_wallet_balance_gets_the_steps_and_the_dated_fee(
    engine: Engine, text: str, lang: str, fee: str
) -> None:
    """Older residents ask how to get WeChat or Alipay money onto a bank card (提现), and what it costs."""
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic, answer.lang) == ("faq", "wallet-balance", lang)
    withdraw = next(line for line in answer.text.splitlines() if line.startswith("5. "))
    assert "提现" in withdraw
    assert fee in withdraw
    assert "2016" in withdraw
