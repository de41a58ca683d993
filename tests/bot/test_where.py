"""Where questions and yes/no place questions, through the real responder: honest nearby, city
searches, map links, the card for a local, checked vs planned wording."""

from __future__ import annotations

import asyncio
import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.answer import Answer, Query
from bot.engine import Engine, chinese
from bot.responder import Responder
from bot.schema import NeedEntry
from bot.where import NEAR_M, link_line


def need(engine: Engine, need_id: str) -> NeedEntry:
    kb = engine.responder.kb
    assert kb.needs is not None
    return next(n for n in kb.needs.needs if n.id == need_id)


def text(engine: Engine, key: str, lang: str, **values: object) -> str:
    return engine.responder.kb.text(key, lang, **values)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def hosts(answer: Answer) -> list[str]:
    return [urlsplit(link.url).netloc for link in answer.links]


def test_where_without_a_place_asks_for_a_location_and_gives_links_and_card(
    engine: Engine,
) -> None:
    answer = engine.answer(Query(text="ATM 어디"))
    atm = need(engine, "atm")
    assert (answer.kind, answer.topic, answer.lang, answer.want) == (
        "faq",
        "atm-foreign-card",
        "ko",
        "atm",
    )
    assert answer.text.splitlines()[0] == text(
        engine, "nearby_ask", "ko", service=atm.label.get("ko")
    )
    assert hosts(answer) == ["uri.amap.com", "maps.apple.com"]  # Baidu needs a point or a city
    assert query_of(answer.links[0].url)["keyword"] == atm.search
    assert answer.show_local == atm.local
    assert [link_line(link) in answer.text.splitlines() for link in answer.links] == [True, True]
    assert atm.local in answer.text.splitlines()


@pytest.mark.parametrize(
    ("question", "lang", "want", "need_id"),
    [
        ("ATM in Yanji", "en", "atm", "atm"),
        ("연길 시내 환전소", "ko", "exchange", "exchange"),
    ],
)
def test_a_city_alone_searches_that_city(
    engine: Engine, question: str, lang: str, want: str, need_id: str
) -> None:
    answer = engine.answer(Query(text=question))
    wanted = need(engine, need_id)
    assert (answer.kind, answer.lang, answer.want, answer.places) == (
        "nearby",
        lang,
        want,
        ("ynj-airport",),
    )
    assert hosts(answer) == ["uri.amap.com", "api.map.baidu.com", "maps.apple.com"]
    amap, baidu, apple = (query_of(link.url) for link in answer.links)
    assert (amap["keyword"], amap["city"], baidu["query"], baidu["region"], apple["q"]) == (
        wanted.search,
        "延吉",
        wanted.search,
        "延吉",
        f"延吉 {wanted.search}",
    )
    record = engine.responder.kb.places["ynj-airport"]
    assert engine.responder.where.status_line(record, lang) in [
        line.strip() for line in answer.text.splitlines()
    ]
    assert answer.show_local == wanted.local


def test_far_record_is_not_called_near_and_keeps_the_plan_caveat(engine: Engine) -> None:
    answer = engine.answer(Query(lat=43.88, lon=125.32, want="atm", hint="en"))  # central Changchun
    airport = engine.responder.kb.places["cgq-airport"]
    lines = answer.text.splitlines()
    assert (answer.places, answer.distances_m[0] > NEAR_M) == (("cgq-airport",), True)
    assert lines[0] == text(
        engine,
        "nearby_far",
        "en",
        service=text(engine, "want.atm", "en"),
        name=airport.names.en[0],
        distance="32.0 km",
    )
    assert lines[1].strip() == engine.responder.where.status_line(airport, "en")
    assert "(not verified)" in lines[1]
    assert text(engine, "nearby_instead", "en") in lines
    center = query_of(answer.links[0].url)
    baidu = query_of(answer.links[1].url)
    assert (center["coordinate"], baidu["coord_type"], baidu["location"]) == (
        "gaode",
        "wgs84",
        "43.880000,125.320000",
    )
    assert answer.show_local == need(engine, "atm").local


def test_a_near_plan_target_keeps_the_caveat(engine: Engine) -> None:
    answer = engine.answer(Query(lat=42.90, lon=129.50, want="atm", hint="en"))  # by Yanji airport
    lines = answer.text.splitlines()
    assert (answer.places[0], answer.distances_m[0] < NEAR_M) == ("ynj-airport", True)
    record = engine.responder.kb.places["ynj-airport"]
    assert lines[1] == f"1. {record.names.en[0]} — 4.6 km"
    assert lines[2] == "   " + text(
        engine,
        "nearby_planned",
        "en",
        items=", ".join(
            [text(engine, "service." + s, "en") for s in record.services]
            + [text(engine, "accept." + a, "en") for a in record.accepts]
        ),
    )


def test_without_a_want_the_search_is_worded_properly(engine: Engine) -> None:
    answer = engine.answer(Query(lat=43.88, lon=125.32, hint="en"))
    assert text(engine, "nearby_any", "en") in answer.text
    assert "Services" not in answer.text


def test_a_point_outside_china_says_so(engine: Engine) -> None:
    answer = engine.answer(Query(lat=48.85, lon=2.35, hint="ru", want="atm"))
    assert (answer.kind, answer.places, answer.text, answer.links) == (
        "nearby",
        (),
        text(engine, "nearby_outside", "ru"),
        (),
    )


def test_yes_no_place_question_leads_with_the_plan_not_a_fact(engine: Engine) -> None:
    answer = engine.answer(Query(text="does pingyao ancient city take visa"))
    lines = answer.text.splitlines()
    assert (answer.kind, answer.places[:1]) == ("place", ("pingyao-ancient-city",))
    assert lines[:2] == [
        text(
            engine,
            "verdict_planned",
            "en",
            name="Pingyao Ancient City",
            what=text(engine, "accept.bank-cards", "en"),
        ),
        text(engine, "verdict_foreign_unknown", "en"),
    ]
    assert lines[0].startswith("Not verified. The plan requires")
    assert answer.show_local == need(engine, "card").local
    assert query_of(answer.links[0].url)["city"] == "晋中"


def test_a_checked_record_says_a_source_confirms(engine: Engine) -> None:
    answer = engine.answer(Query(text="Can I exchange money at Bank of China Pingyao?"))
    record = engine.responder.kb.places["boc-pingyao-sub-branch"]
    assert (answer.kind, answer.places[0]) == ("place", record.id)
    assert answer.text.splitlines()[0] == text(
        engine,
        "verdict_yes",
        "en",
        name=record.names.en[0],
        what=text(engine, "service.currency-exchange", "en"),
    )
    assert text(engine, "place_status_checked", "en") in answer.text.splitlines()
    assert text(engine, "place_address", "en", address=record.address) in answer.text


def test_cash_at_a_place_gives_the_cash_rule(engine: Engine) -> None:
    answer = engine.answer(Query(text="平遥古城可以付现金吗"))
    assert answer.text.splitlines()[:2] == [
        text(
            engine,
            "verdict_planned",
            "zh",
            name="平遥古城",
            what=text(engine, "accept.cash", "zh"),
        ),
        text(engine, "cash_rule", "zh"),
    ]


def test_a_place_question_not_about_paying_falls_back(engine: Engine) -> None:
    answer = engine.answer(Query(text="平遥古城の入場券はいくら"))
    assert (answer.kind, answer.places, answer.lang) == ("fallback", (), "ja")


def test_a_place_name_alone_still_gets_its_card(engine: Engine) -> None:
    answer = engine.answer(Query(text="Pingyao"))
    assert (answer.kind, answer.places[0], answer.show_local) == (
        "place",
        "pingyao-ancient-city",
        None,
    )
    assert query_of(answer.links[0].url)["keyword"] == "平遥古城"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "куда жаловаться на банк в китае",
            "complaints",
        ),  # "Банк Китая" is a bank's name, not this
        (
            "Tried to pay cash at a noodle place in Yanji and the owner just waved me off. "
            "What should I have said, and can I still report them?",
            "cash-refusal-complaint",
        ),  # a city and cash, but no place to search for: the complaint answer
    ],
)
def test_questions_that_only_mention_a_bank_or_a_city_keep_their_topic(
    engine: Engine, question: str, topic: str
) -> None:
    answer = engine.answer(Query(text=question))
    assert (answer.kind, answer.topic) == ("faq", topic)


def test_a_place_question_in_a_language_we_do_not_read_keeps_the_place_card(
    engine: Engine,
) -> None:
    answer = engine.answer(Query(text="¿En Pingyao aceptan tarjetas extranjeras o solo efectivo?"))
    assert (answer.kind, answer.places[:1]) == ("place", ("pingyao-ancient-city",))


def test_a_short_word_is_not_taken_for_a_longer_need_word(engine: Engine) -> None:
    """Typos are forgiven ("alipy"), but "what" is not "wechat": a question about a place that asks
    nothing about paying gets no verdict on mobile payment."""
    where = engine.responder.where
    assert (
        [n.id for n in where.read("what time").needs],
        [n.id for n in where.read("alipy here?").needs],
    ) == (
        [],
        ["wallet"],
    )


def test_staff_read_a_nearby_answer_in_chinese_with_the_same_places(engine: Engine) -> None:
    """A ticket after a shared location: staff get the nearby list in Chinese, for the same point."""
    point = engine.responder.kb.places["ynj-airport"].coords
    assert point is not None
    answer = engine.answer(Query(lat=point.lat, lon=point.lon, want="atm", saved_lang="en"))
    zh = asyncio.run(chinese(engine.responder, "[nearby] atm", answer))
    assert (answer.lang, zh.lang, zh.kind, zh.places, zh.distances_m, zh.near) == (
        "en",
        "zh",
        "nearby",
        answer.places,
        answer.distances_m,
        (point.lat, point.lon),
    )
    assert zh.text.splitlines()[0] == text(
        engine, "nearby_title", "zh", service=text(engine, "want.atm", "zh")
    )


def test_a_nearby_search_lists_only_records_that_meet_its_need(engine: Engine) -> None:
    """An ATM that lists no foreign-card service is not an "ATM for foreign cards", whatever its kind;
    the yes/no answer and the nearby list read a record the same way (needs.yaml)."""
    kb = engine.responder.kb
    airport = kb.places["ynj-airport"]
    assert airport.coords is not None
    local_atm = airport.model_copy(
        update={"id": "local-atm", "kind": "atm", "services": (), "accepts": ("bank-cards",)}
    )
    responder = Responder(dataclasses.replace(kb, places={**kb.places, "local-atm": local_atm}))
    point = (airport.coords.lat, airport.coords.lon)
    atm = responder.answer(Query(lat=point[0], lon=point[1], want="atm", saved_lang="en"))
    anything = responder.answer(Query(lat=point[0], lon=point[1], saved_lang="en"))
    assert (atm.places, set(anything.places)) == (("ynj-airport",), {"ynj-airport", "local-atm"})


def test_the_foreign_card_note_is_left_out_where_any_foreign_network_is_accepted(
    engine: Engine,
) -> None:
    note = need(engine, "card").note
    assert note is not None and note.unless == ("foreign-cards",)
    cases = [("visa",), ("bank-cards", "jcb"), ("foreign-cards",), ("bank-cards",), ()]
    assert [note.left_out_at(accepts) for accepts in cases] == [True, True, True, False, False]
