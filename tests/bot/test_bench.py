"""The benchmark command runs and writes the figures it prints (speed is measured there, not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench import baseline, percentile
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
    assert {"quality", "baseline", "latency", "startup_s", "memory_mb", "telegram"} <= data.keys()
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
    }
    assert "reply bot" in text


def test_percentile() -> None:
    assert (percentile(list(range(100)), 0.5), percentile(list(range(100)), 0.99)) == (50, 99)


def test_baseline_always_answers_so_it_is_wrong_on_out_of_scope() -> None:
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    report = baseline(kb, [Case("what's the weather tomorrow", None, "fallback", "en")])
    assert report.figures()["answered_but_wrong"] == 1.0


def test_generated_places_are_searchable() -> None:
    kb = with_generated(require_knowledge(BUNDLED_KNOWLEDGE), places=50, topics=40)
    assert (len([p for p in kb.places if p.startswith("gen-")]), len(kb.topics)) == (50, 40)
