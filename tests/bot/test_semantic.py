"""Semantic evidence: the vector cache, the background build, answering off the event loop, and what it changes."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.answer import Query
from bot.engine import Engine, gloss
from bot.question import focus, sentences
from bot.semantic import (
    Semantic,
    SemanticIndex,
    VectorCache,
    _rows,
    clip,
    examples,
    semantic_of,
)
from bot.settings import BUNDLED_KNOWLEDGE, load_settings
from tests.semantic_helpers import (
    CACHE,
    CountingEncoder,
    always_encode,
    counted,
    words_held_back,
)


@pytest.fixture
def semantic_engine(engine: Engine) -> Engine:
    """The engine as it runs by default (tests/conftest.py): lexical and semantic evidence, the real e5 model."""
    assert engine.responder.semantic is not None and engine.responder.semantic.ready
    return engine


def test_cache_reencodes_only_the_texts_an_edit_changed(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    first = CountingEncoder()
    SemanticIndex(
        first, cache, [("a", "where can i change money"), ("b", "atm for visa card")]
    ).build()
    second = CountingEncoder()
    index = SemanticIndex(
        second, cache, [("a", "where can i change money"), ("b", "atm that takes my mastercard")]
    )
    index.build()
    assert (sorted(first.encoded), second.encoded, index.ready) == (
        ["atm for visa card", "where can i change money"],
        ["atm that takes my mastercard"],
        True,
    )


def test_lexical_answers_until_the_vectors_are_ready(tmp_path: Path) -> None:
    gate = threading.Event()
    encoder = CountingEncoder(gate=gate)
    engine = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(tmp_path / "v.sqlite3", encoder))
    before = engine.answer(Query(text="where can I exchange money"))
    gate.set()
    assert engine.settle(timeout=60)
    after = engine.answer(Query(text="where can I exchange money"))
    assert (before.topic, engine.responder.semantic is not None, after.topic) == (
        "currency-exchange",
        True,
        "currency-exchange",
    )
    vague = "I am worried about how I will pay for things on my trip"
    engine.answer(Query(text=vague))
    assert (
        vague in encoder.encoded
    )  # a message the words do not settle is encoded once the index is up


def test_the_cache_reads_many_texts_at_once_and_returns_each_its_own_vector(tmp_path: Path) -> None:
    """Cached vectors are read in one query: every text gets its own vector, a missing one none."""
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    texts = [f"question {n}" for n in range(1207)]
    stored = {t: np.full(4, n, dtype=np.float32) for n, t in enumerate(texts) if n % 3}
    cache.put("model", stored)
    found = cache.get("model", [*texts, texts[1]])  # a repeat, and a third of them never stored
    assert sorted(found) == sorted(stored)
    assert all(np.array_equal(found[t], v) for t, v in stored.items())
    assert cache.get("another model", texts) == {}


def test_without_json_in_sqlite_the_cache_reads_one_key_a_query(tmp_path: Path) -> None:
    """SQLite built without json_each still serves every cached vector (one SELECT a key, as before)."""
    cache = VectorCache(tmp_path / "vectors.sqlite3")
    cache.put("model", {"one": np.ones(4, dtype=np.float32), "two": np.zeros(4, dtype=np.float32)})
    db = sqlite3.connect(tmp_path / "vectors.sqlite3")

    class NoJson:
        def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
            if "json_each" in sql:
                raise sqlite3.OperationalError("no such table: json_each")
            return db.execute(sql, params)

    keys = [VectorCache.key("model", t) for t in ("one", "missing", "two")]
    rows = dict(_rows(NoJson(), keys))  # type: ignore[arg-type]
    assert sorted(rows) == sorted([keys[0], keys[2]])
    assert np.frombuffer(rows[keys[0]], dtype=np.float32).tolist() == [1.0] * 4


def test_a_cache_that_cannot_be_opened_only_costs_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "not-a-database.sqlite3"
    bad.write_text("this is not SQLite\n" * 100)
    index = SemanticIndex(CountingEncoder(), VectorCache(bad), [("a", "hello"), ("b", "good bye")])
    index.build()
    assert (index.ready, index.similarity("hello") is not None) == (True, True)
    assert "cannot be used" in caplog.text or "unreadable" in caplog.text


def test_a_failing_encoder_leaves_the_lexical_matcher_answering(tmp_path: Path) -> None:
    class Broken(CountingEncoder):
        def encode(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model file damaged")

    engine = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(tmp_path / "v.sqlite3", Broken()))
    assert engine.settle(timeout=0.5) is False
    index = engine.responder.semantic
    assert index is not None and index.error == "model file damaged"
    assert engine.answer(Query(text="where can I exchange money")).topic == "currency-exchange"


async def test_an_encode_runs_off_the_event_loop(tmp_path: Path) -> None:
    engine = Engine.load(
        BUNDLED_KNOWLEDGE, semantic=Semantic(tmp_path / "v.sqlite3", CountingEncoder())
    )
    assert engine.settle(timeout=60)
    always_encode(engine)
    index = engine.responder.semantic
    assert index is not None
    index.encoder = CountingEncoder(delay=0.5)  # a slow encode of the next message
    ticks = 0

    async def other_chats() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(other_chats())
    answer = await engine.ask(Query(text="my card got stuck in the cash machine, what now"))
    ticker.cancel()
    assert answer.kind in ("faq", "clarify", "fallback")
    assert ticks >= 20  # the loop kept serving others for the whole half second


def test_examples_cover_every_topic_and_intent() -> None:
    from bot.knowledge import require_knowledge

    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    targets = {target for target, _ in examples(kb)}
    assert targets == set(kb.topics) | set(kb.intents)


def test_setting_turns_semantic_evidence_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMANTIC_EVIDENCE", "false")
    assert semantic_of(load_settings(env_file=None)) is None
    monkeypatch.setenv("SEMANTIC_EVIDENCE", "true")
    assert isinstance(semantic_of(load_settings(env_file=None)), Semantic)


def test_long_message_is_read_for_its_question() -> None:
    story = (
        "We land in Yanji next Tuesday with my parents. It is our first time in China and we booked a tour. "
        "My father only carries cash and my mother has a Visa card from our bank at home. "
        "Where at the airport can we change dollars to yuan?"
    )
    assert focus(story) == "Where at the airport can we change dollars to yuan?"
    assert focus("where can I change money") == "where can I change money"
    assert sentences("第一句。第二句！第三句？") == ["第一句。", "第二句！", "第三句？"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "Wie kann man in China als Besucher am besten bezahlen?",
            "payment-overview",
        ),  # German: answered in English
        pytest.param(
            "Tengo yuanes de sobra, ¿puedo cambiarlos otra vez a euros antes de volver?",
            "exchange-back",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known miss since 2026-12-07: a real Spanish question about changing Hong Kong"
                " dollars back into yuan (currency-exchange, tune-8) joined the examples, and e5 does not"
                " read which way money is changed; two other Spanish wordings missed before it",
            ),
        ),
        ("Có thể đổi tiền đô sang nhân dân tệ ở đâu?", "currency-exchange"),
    ],
)
def test_semantic_evidence_understands_what_words_alone_miss(
    semantic_engine: Engine, text: str, topic: str
) -> None:
    assert semantic_engine.answer(Query(text=text)).topic == topic


@pytest.mark.parametrize(
    "text",
    [
        "Is it worth buying travel insurance before my China trip?",
        "香港那边能不能刷支付宝",
        "Какой VPN работает в Китае?",
    ],
)
def test_travel_questions_that_sound_like_payment_fall_back(
    semantic_engine: Engine, text: str
) -> None:
    assert semantic_engine.answer(Query(text=text)).kind == "fallback"


def test_vectors_are_cached_on_disk_by_text(semantic_engine: Engine) -> None:
    index = semantic_engine.responder.semantic
    assert index is not None
    with sqlite3.connect(CACHE) as db:
        stored = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert stored >= len({text for _, text in index.examples})


class GatedEncoder(CountingEncoder):
    """Blocks on `gate` whenever it encodes the text `marker` (one chat's message): a slow encode."""

    def __init__(self, marker: str, gate: threading.Event) -> None:
        super().__init__()
        self.marker = marker
        self.slow_gate = gate

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.marker in texts:
            self.slow_gate.wait(10)
        return super().encode(texts)


async def test_one_chats_slow_encode_does_not_hold_up_another_chat_on_telegram(
    tmp_path: Path,
) -> None:
    from tests.telegram_helpers import Harness, message, texts

    gate = threading.Event()
    engine = Engine.load(
        BUNDLED_KNOWLEDGE,
        semantic=Semantic(
            tmp_path / "v.sqlite3", GatedEncoder("my card got stuck in the cash machine", gate)
        ),
    )
    assert engine.settle(timeout=60)
    always_encode(engine)
    bot = await Harness(engine, tmp_path / "db.sqlite3").start()
    try:
        slow = asyncio.create_task(
            bot.send(message("my card got stuck in the cash machine", user_id=1))
        )
        await asyncio.sleep(0.2)  # chat 1 is now encoding in a worker thread
        fast = await asyncio.wait_for(
            bot.send(message("where can I exchange money", user_id=2)), timeout=5
        )
        assert not slow.done()
        gate.set()
        await asyncio.wait_for(slow, timeout=10)
        order = [c.params["chat_id"] for c in bot.api.calls if c.method == "sendMessage"]
        assert order == ["2", "1"]
        assert (
            texts(fast)[0]
            == texts(await bot.send(message("where can I exchange money", user_id=3)))[0]
        )
    finally:
        gate.set()
        await bot.stop()


def test_a_question_the_words_settle_is_answered_without_encoding(tmp_path: Path) -> None:
    engine, encoder = counted(tmp_path)
    clear = engine.answer(Query(text="where can I exchange money"))
    assert (clear.topic, encoder.encoded) == ("currency-exchange", [])
    engine.answer(Query(text="I am worried about how I will pay for things on my trip"))
    assert encoder.encoded == ["I am worried about how I will pay for things on my trip"]


def test_a_batch_caches_its_questions_vectors_so_a_rerun_encodes_nothing(tmp_path: Path) -> None:
    vague = "I am worried about how I will pay for things on my trip"
    runs = []
    for _ in range(2):
        encoder = CountingEncoder()
        engine = Engine.load(BUNDLED_KNOWLEDGE, semantic=Semantic(tmp_path / "v.sqlite3", encoder))
        engine.settle_for_batch()
        encoder.encoded.clear()
        engine.answer(Query(text=vague))
        runs.append(list(encoder.encoded))
    assert runs == [[vague], []]


def test_a_long_story_is_encoded_once_its_asking_part_clipped_to_the_budget(
    tmp_path: Path,
) -> None:
    engine, encoder = counted(tmp_path)
    story = (
        "我们一家人上个月从首尔飞到长春，第一天在酒店休息。第二天去了净月潭，风景很好。"
        "晚上想吃烤肉，可是店里只收微信和支付宝。老板很客气，但是我们没有中国的银行卡。"
        "后来一个大学生帮我们付了钱，我们给了他现金。第三天我们坐火车去了吉林市，又遇到了同样的事情。"
        "请问外国人的信用卡能不能绑定支付宝，在小店扫码付款，有没有手续费，每次最多能付多少钱？"
    )
    engine.answer(Query(text=story))
    assert encoder.encoded == [clip(focus(story))]
    assert encoder.encoded[0].startswith("请问外国人的信用卡") and len(encoder.encoded[0]) <= 96


def test_clip_weighs_cjk_characters_about_three_latin_ones() -> None:
    assert (len(clip("长" * 200)), len(clip("a" * 1000)), clip("short one")) == (
        96,
        274,
        "short one",
    )


def test_weak_agreement_of_words_and_meaning_offers_the_topic_instead_of_nothing(
    semantic_engine: Engine,
) -> None:
    """Below every answer and clarify threshold, a topic that is both the best by words and the nearest in
    meaning is offered as a "did you mean" rather than nothing. The thresholds are raised here so that a
    plain question lands in that band whatever the knowledge of the day scores it."""
    text = "where can I exchange money"
    offered, alone = (
        words_held_back(semantic_engine, agree_clarify=weak, offer_margin=9.0).answer(
            Query(text=text)
        )
        for weak in (0.3, math.inf)
    )
    assert (offered.kind, offered.suggestions[0], alone.kind) == (
        "clarify",
        "currency-exchange",
        "fallback",
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("연길에 ATM 어디 있어요", "nearby"), ("Does Pingyao Ancient City take Visa?", "place")],
)
def test_staff_chinese_version_keeps_a_city_s_places_and_a_place_s_yes_no_lines(
    semantic_engine: Engine, text: str, kind: str
) -> None:
    answer, chinese = asyncio.run(gloss(semantic_engine.responder, text))
    assert chinese is not None
    assert (answer.kind, chinese.kind, chinese.lang, chinese.places) == (
        kind,
        kind,
        "zh",
        answer.places,
    )
    first = chinese.text.splitlines()[0]
    assert (
        first == (semantic_engine.answer(Query(text=text, lang="zh")).text.splitlines()[0])
        and first != answer.text.splitlines()[0]
    )
    if kind == "place":  # the yes/no line is there, in Chinese ("未核实…" for a plan's promise)
        assert first.startswith("未核实")


def test_a_place_and_a_need_named_are_answered_without_encoding(tmp_path: Path) -> None:
    engine, encoder = counted(tmp_path)
    named = engine.answer(Query(text="Does Pingyao Ancient City take Visa?"))
    assert (named.kind, named.places[0], encoder.encoded) == ("place", "pingyao-ancient-city", [])
    engine.answer(Query(text="what time is the last train from taiyuan to pingyao"))
    assert encoder.encoded == [
        "what time is the last train from taiyuan to pingyao"
    ]  # no need the words take as in scope: read for its meaning
