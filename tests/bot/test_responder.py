"""What the core answers: FAQ, places, nearby, clarify, fallback, greeting, handoff, elder mode."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.answer import Query
from bot.engine import Engine
from bot.matcher import Scored
from bot.thresholds import Thresholds


def ask(engine: Engine, text: str, hint: str | None = None, **extra: object):
    return engine.answer(Query(text=text, hint=hint, **extra))


@pytest.mark.parametrize(
    ("text", "hint", "place", "lang"),
    [
        ("연길 공항 환전", None, "ynj-airport", "ko"),
        ("Яньцзи аэропорт банкомат", None, "ynj-airport", "ru"),
        ("平遥古城能刷卡吗", None, "pingyao-ancient-city", "zh"),
        ("Does Pingyao take Visa", None, "pingyao-ancient-city", "en"),
        ("does pingyo ancient city take visa", None, "pingyao-ancient-city", "en"),
        ("pingyao gucheng", "zh", "pingyao-ancient-city", "zh"),
        ("五台山で両替できますか", None, "wutaishan", "ja"),
        ("Can I use Visa at Mount Wutai?", None, "wutaishan", "en"),
        (
            "На Утайшане можно платить картой?",
            None,
            "wutaishan",
            "ru",
        ),  # a Russian case ending on the name
        (
            "Можно ли в Чибэе снять деньги в банкомате?",
            None,
            "chibei-demo-zone",
            "ru",
        ),  # short name, ending replaced
    ],
)
def test_named_place_is_answered_from_its_record(
    engine: Engine, text: str, hint: str | None, place: str, lang: str
) -> None:
    answer = ask(engine, text, hint)
    assert (answer.kind, answer.places[:1], answer.lang) == ("place", (place,), lang)


def test_place_answer_says_what_it_accepts_and_offers(engine: Engine) -> None:
    answer = ask(engine, "Changchun Longjia airport foreign cards?")
    record = engine.responder.kb.places["cgq-airport"]
    assert record.summary.en in answer.text
    kb = engine.responder.kb
    assert record.accepts == ("foreign-cards",)
    assert (
        kb.text("place_accepts", "en", items=kb.text("accept.foreign-cards", "en"))
        in answer.text.splitlines()
    )
    assert record.source in answer.text


def test_nearby_lists_the_nearest_with_distances(engine: Engine) -> None:
    answer = engine.answer(Query(lat=42.90, lon=129.50, want="atm", hint="ko"))
    assert (answer.kind, answer.lang, answer.places[0]) == ("nearby", "ko", "ynj-airport")
    assert answer.distances_m[0] == sorted(answer.distances_m)[0]
    assert "km" in answer.text


def test_nearby_far_from_everything_says_so(engine: Engine) -> None:
    answer = engine.answer(Query(lat=29.65, lon=91.10, hint="en"))  # Lhasa: no record within 100 km
    assert (answer.kind, answer.places) == ("nearby", ())
    kb = engine.responder.kb
    assert answer.text.splitlines()[0] == kb.text(
        "nearby_none", "en", service=kb.text("nearby_any", "en")
    )  # 12363 is a complaint line, not an ATM finder
    assert "Services" not in answer.text


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("hello", None, "en"),
        ("您好", None, "zh"),
        ("안녕하세요", None, "ko"),
        ("здравствуйте", None, "ru"),
        ("こんにちは", None, "ja"),
    ],
)
def test_greetings_in_five_languages(
    engine: Engine, text: str, hint: str | None, lang: str
) -> None:
    answer = ask(engine, text, hint)
    assert (answer.kind, answer.lang) == ("greeting", lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("connect me to an agent", "en"),
        ("转人工", "zh"),
        ("상담원 연결해 주세요", "ko"),
        ("хочу поговорить с оператором", "ru"),
        ("スタッフと話したいです", "ja"),
    ],
)
def test_asking_for_a_person_in_five_languages(engine: Engine, text: str, lang: str) -> None:
    answer = ask(engine, text)
    assert (answer.kind, answer.lang) == ("handoff", lang)


@pytest.mark.parametrize(
    "text",
    [
        "What's the weather in Yanji tomorrow?",
        "asdfgh qwerty",
        "👍👍",
        "讲个笑话",
        "recommend a good restaurant",
        "Нужна ли виза в Китай?",
    ],
)
def test_out_of_scope_falls_back_with_the_way_to_a_person(engine: Engine, text: str) -> None:
    answer = ask(engine, text)
    assert answer.kind == "fallback"
    assert answer.text == engine.responder.kb.text("fallback", answer.lang)


def test_other_language_gets_english_with_a_note(engine: Engine) -> None:
    answer = ask(engine, "Wo kann ich Geld wechseln? Ich brauche Yuan.")
    note = engine.responder.kb.text("other_language", "en")
    assert (answer.lang, answer.detected, answer.text.startswith(note)) == ("en", "de", True)


def test_traditional_chinese_gets_the_zh_answer(engine: Engine) -> None:
    answer = ask(engine, "哪裡可以換錢")
    assert (answer.kind, answer.topic, answer.lang) == ("faq", "currency-exchange", "zh")


def test_elder_mode_is_short_and_ends_with_where_to_ask_in_person(engine: Engine) -> None:
    kb = engine.responder.kb
    full = ask(engine, "哪里可以换钱")
    short = engine.answer(Query(text="哪里可以换钱", elder=True))
    assert (short.topic, full.topic) == ("currency-exchange", "currency-exchange")
    assert short.text == (
        kb.topics["currency-exchange"].short.zh.rstrip()
        + "\n\n"
        + kb.text("call.service-center", "zh")
    )
    assert len(short.text) < len(full.text)


def test_clarify_offers_up_to_three_topics(engine: Engine) -> None:
    kb = engine.responder.kb
    answer = engine.responder._faq_or_clarify(
        [
            _scored("cash-rights", 0.55),
            _scored("cash-refusal-complaint", 0.54),
            _scored("complaints", 0.53),
            _scored("change-pack", 0.52),
        ],
        _decision("en"),
        elder=False,
    )
    assert (answer.kind, answer.suggestions, answer.text) == (
        "clarify",
        ("cash-rights", "cash-refusal-complaint", "complaints"),
        kb.text("clarify", "en"),
    )


def test_answer_is_frozen(engine: Engine) -> None:
    answer = ask(engine, "hello")
    with pytest.raises(ValidationError, match="frozen"):
        answer.kind = "faq"  # type: ignore[misc]


def _scored(target: str, score: float) -> Scored:
    return Scored(target, score, coverage=1.0, example=0, keyword=0, fuzzy=0)


def _decision(lang: str):
    from bot.language import Decision

    return Decision(lang, lang, True)


@pytest.mark.parametrize(
    "query",
    [
        Query(text="平遥古城能刷卡吗", elder=True),
        Query(lat=42.9, lon=129.5, hint="zh", elder=True),
        Query(text="您好", elder=True),
        Query(text="谢谢", elder=True),
    ],
)
def test_elder_mode_adds_no_phone_where_no_call_fits(engine: Engine, query: Query) -> None:
    elder = engine.answer(query)
    plain = engine.answer(query.model_copy(update={"elder": False}))
    assert (elder.text, "12363" in elder.text) == (plain.text, False)


def test_an_elder_fallback_says_where_to_ask_in_person(engine: Engine) -> None:
    kb = engine.responder.kb
    typed = engine.answer(Query(text="明天天气怎么样", elder=True))
    pressed = engine.responder.intent("fallback", "zh", elder=True)
    expected = kb.text("fallback", "zh") + "\n\n" + kb.text("call.service-center", "zh")
    assert (typed.kind, typed.text, pressed.text) == ("fallback", expected, expected)


def test_an_elder_handoff_gives_no_complaint_line(engine: Engine) -> None:
    answer = engine.responder.intent("handoff", "zh", elder=True)
    assert answer.text == engine.responder.kb.text("handoff", "zh")
    assert "12363" not in answer.text


def test_a_message_no_topic_knows_the_words_of_falls_back(engine: Engine) -> None:
    from bot.responder import Responder
    from bot.thresholds import Thresholds

    text = "my laptop bluetooth headphones will not pair"
    without_gate = Responder(
        engine.responder.kb,
        thresholds=Thresholds(coverage=0.0, clarify=0.26),
        matcher=engine.responder.matcher,
    )
    assert (ask(engine, text).kind, without_gate.answer(Query(text=text)).kind) == (
        "fallback",
        "clarify",
    )


@pytest.mark.xfail(
    strict=True,
    reason="lost on 2026-12-07 (evening) with the collected real examples: the words put change-pack "
    "first and the meaning no longer agrees on currency-exchange; the tuning halves gained more (see "
    "knowledge/tests/real/README.md)",
)
def test_a_written_question_lost_with_the_collected_examples(engine: Engine) -> None:
    text = "gotta swap some euros for RMB asap — banks or those airport booths, which one's less of a ripoff?"
    answer = ask(engine, text)
    assert (answer.kind, answer.topic) == ("faq", "currency-exchange")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("路边摊买个烤冷面能刷卡吗", "pay-shopping-dining"),
        (
            "Brother I am in supermarket, the cashier put my card 3 times and every time say declined, but I "
            "have money in account. Why this happen??",
            "card-problems",
        ),
    ],
)
def test_words_and_meaning_that_agree_are_answered_where_without_the_agreement_rule_it_falls_back(
    engine: Engine, text: str, topic: str
) -> None:
    from bot.responder import Responder
    from bot.thresholds import Thresholds

    alone = Responder(
        engine.responder.kb,
        thresholds=Thresholds(agree_answer=9.0, agree_clarify=9.0, offer_margin=9.0),
        matcher=engine.responder.matcher,
        semantic=engine.responder.semantic,
    )
    answer = ask(engine, text)
    assert (answer.kind, answer.topic, alone.answer(Query(text=text)).kind) == (
        "faq",
        topic,
        "fallback",
    )


def test_the_words_alone_never_settle_that_a_message_is_not_about_paying(engine: Engine) -> None:
    """The words take "how much cash for a trip to China" for travel, sure and far ahead of any topic; the
    meaning is still read, and it finds the payment topics (before 2026-12-07: a fallback, no encode)."""
    text = "中国旅游需要带多少现金"
    words = engine.responder.matcher.rank(text)
    assert (words[0].target, words[0].score - words[1].score >= Thresholds().conclusive_margin) == (
        "out-of-scope",
        True,
    )
    answer = ask(engine, text)
    assert (answer.kind, answer.suggestions[0]) == ("clarify", "payment-overview")


def test_a_typed_answer_lists_the_topic_that_came_next_first_under_it(engine: Engine) -> None:
    # Exchange is answered, and paying at the hotel, which came next, is the first button under it (one tap
    # when the reader meant the hotel); then the topic's own related ones. A far runner-up is not listed.
    typed = ask(engine, "Can the hotel front desk exchange money for me?")
    opened = engine.responder.faq("currency-exchange", "en")  # the same topic from a button
    assert (typed.topic, typed.related[:3]) == (
        "currency-exchange",
        ("pay-hotel", "exchange-back", "atm-foreign-card"),
    )
    assert opened.related == engine.responder.kb.topics["currency-exchange"].related
    swallowed = ask(
        engine, "俺的卡被机器吞了"
    )  # contactless wallets came next, far below: not listed
    assert (swallowed.topic, swallowed.related) == (
        "card-problems",
        engine.responder.kb.topics["card-problems"].related,
    )


@pytest.mark.parametrize(
    ("ranking", "shown"),
    [
        # within next_gap (0.4) of the answer: first; then the curated ones
        ([("pay-hotel", 0.61)], ("pay-hotel", "exchange-back", "atm-foreign-card")),
        # further down: the curated ones only
        ([("pay-hotel", 0.59)], ("exchange-back", "atm-foreign-card", "payment-service-center")),
        # a curated one that came next moves up, listed once
        (
            [("atm-foreign-card", 0.9)],
            ("atm-foreign-card", "exchange-back", "payment-service-center"),
        ),
        # only the one that came next, not the one after it
        (
            [("pay-hotel", 0.9), ("card-problems", 0.8)],
            ("pay-hotel", "exchange-back", "atm-foreign-card"),
        ),
    ],
)
def test_the_topic_that_came_next_is_listed_only_when_close(
    engine: Engine, ranking: list[tuple[str, float]], shown: tuple[str, ...]
) -> None:
    responder = engine.responder
    answer = responder.faq("currency-exchange", "en")
    topics = [_scored("currency-exchange", 1.0), *(_scored(t, s) for t, s in ranking)]
    assert responder._or_next(answer, topics).related[:3] == shown


def test_an_answer_that_is_not_the_rankings_first_topic_keeps_its_own_buttons(
    engine: Engine,
) -> None:
    responder = engine.responder
    answer = responder.faq("currency-exchange", "en")
    topics = [_scored("pay-hotel", 1.0), _scored("currency-exchange", 0.9)]
    assert responder._or_next(answer, topics) == answer


@pytest.mark.parametrize(
    ("text", "kind", "topic"),
    [
        ("비자 카드 받아요?", "faq", "card-acceptance"),
        ("비자 카드 결제 돼요?", "faq", "card-acceptance"),
        ("중국 비자 필요해요?", "fallback", None),
        ("визой можно платить?", "faq", "card-acceptance"),
        ("нужна ли виза в китай?", "fallback", None),
    ],
)
def test_a_visa_card_is_not_a_travel_visa_in_korean_or_russian(
    engine: Engine, text: str, kind: str, topic: str | None
) -> None:
    """비자 and виза name both the card and the travel document: "비자 카드 받아요?" fell back like
    "비자 받아야 돼요" (an out-of-scope example) until card-acceptance had the card in those words."""
    answer = ask(engine, text)
    assert (answer.kind, answer.topic) == (kind, topic)
