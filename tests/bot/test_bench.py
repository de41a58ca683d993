"""The benchmark command runs and writes the figures it prints (speed is measured there, not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench import baseline, peer, percentile
from bot.evaluation import Case
from bot.knowledge import require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE
from bot.synthetic import with_generated
from tests.helpers import run_cli


@pytest.mark.slow  # about 70 s: every figure of the benchmark, small sizes; run with `make soak`
def test_bench_quick_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    code, text = run_cli("bench", "--quick", "--out", str(out))
    data = json.loads(out.read_text())
    assert code == 0
    assert {
        "quality",
        "latency",
        "latency_semantic",
        "startup_s",
        "memory_mb",
        "telegram",
        "web",
    } <= data.keys()
    web_keys = {"requests", "concurrency", "offered_rps", "rps", "p50_ms", "p99_ms"}
    assert (set(data["web"]), set(data["web"]["at_target"])) == (web_keys | {"at_target"}, web_keys)
    assert data["web"]["at_target"]["offered_rps"] == 300
    assert "Web API (POST /api/v1/ask" in text and "visitors arriving at 300/s" in text
    assert list(data["quality"]) == ["written", "real (tuning half)", "real (held out)"]
    assert set(data["quality"]["real (held out)"]) == {"payhelp", "lexical", "peer", "baseline"}
    # the peer's and the baseline's answers carry no buttons: "a right topic one tap below" does not apply
    held_out = data["quality"]["real (held out)"]
    assert [held_out[who]["wrong_but_right_below"] is None for who in held_out] == [
        False,
        False,
        True,
        True,
    ]
    below = [line.split()[1:] for line in text.splitlines() if "wrong_but_right_below" in line]
    assert [row[2:] for row in below] == [["—", "—"]] * 3 and "—" not in below[0][:2]
    assert [row["knowledge"] for row in data["latency"]] == ["bundled", "1k places", "300 topics"]
    assert data["latency"][1]["places"] == len(require_knowledge(BUNDLED_KNOWLEDGE).places) + 1000
    assert "Core latency per message" in text and f"figures written to {out}" in text
    assert set(data["telegram"]) == {
        "updates",
        "payhelp_ups",
        "reply_ups",
        "echo_ups",
        "ratio",
        "reply_ratio",
        "own_work_ratio",
        "payhelp_semantic_ups",
        "semantic_own_work_ratio",
    }
    assert "reply bot" in text and "PayHelp with semantic evidence" in text


def test_percentile() -> None:
    assert (percentile(list(range(100)), 0.5), percentile(list(range(100)), 0.99)) == (50, 99)


def test_peer_answers_the_topic_of_the_closest_example(tmp_path: Path) -> None:
    from bot.semantic import E5Encoder, SemanticIndex, VectorCache, examples
    from tests.semantic_helpers import CACHE

    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    index = SemanticIndex(E5Encoder(), VectorCache(CACHE), examples(kb))
    index.build()
    cases = [
        Case("where can i change dollars into yuan", None, "faq", "en", ("currency-exchange",)),
        Case("what's the weather tomorrow", None, "fallback", "en"),
    ]
    assert [o.answer.kind for o in peer(index, cases).outcomes] == ["faq", "fallback"]


def test_baseline_always_answers_so_it_is_wrong_on_out_of_scope() -> None:
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    report = baseline(kb, [Case("what's the weather tomorrow", None, "fallback", "en")])
    assert report.figures()["answered_but_wrong"] == 1.0


def test_generated_places_are_searchable() -> None:
    bundled = require_knowledge(BUNDLED_KNOWLEDGE)
    wanted = len(bundled.topics) + 20  # above the bundled count, which grows as editors add topics
    kb = with_generated(bundled, places=50, topics=wanted)
    assert (len([p for p in kb.places if p.startswith("gen-")]), len(kb.topics)) == (50, wanted)
