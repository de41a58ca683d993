"""kb stats and kb test: coverage of the contract, and the regression run through the real path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.crosscheck import SPEC_PLACES, SPEC_TOPICS
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.kbtools import HELD_OUT, TEST_FIGURES, real_files, tuning_files
from bot.language import SUPPORTED
from tests.bot.test_knowledge import TOPIC
from tests.helpers import ROOT, run_cli


def test_stats_json_shows_every_spec_topic_in_five_languages_and_every_spec_place() -> None:
    code, out = run_cli("kb", "stats", "--json")
    data = json.loads(out)
    assert code == 0
    assert {t: data["topics"][t]["languages"] for t in SPEC_TOPICS} == {
        t: list(SUPPORTED) for t in SPEC_TOPICS
    }
    assert set(SPEC_PLACES) <= data["places"].keys()
    assert data["places"]["ynj-airport"]["province"] == "jilin"
    assert data["summary"]["places_accepting_foreign_cards"] == sum(
        p["foreign_cards"] for p in data["places"].values()
    )


def test_stats_count_the_examples_and_keywords_in_other_languages(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = TOPIC.replace("    en: [extra]\n", "    en: [extra]\n    other: [zusatz, extra-mot]\n")
    topic = topic.replace("追加の質問三]\n", "追加の質問三]\n    other: [noch eine frage]\n")
    (kb_copy / "faq" / "zz.yaml").write_text(topic, encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "stats", "--json")
    extra = json.loads(out)["topics"]["extra-topic"]
    assert (code, extra["examples"], extra["keywords"]) == (
        0,
        {"zh": 3, "en": 3, "ko": 3, "ru": 3, "ja": 3, "other": 1},
        3,
    )


def test_stats_table_is_readable() -> None:
    code, out = run_cli("kb", "stats")
    assert code == 0
    assert out.splitlines()[0].split() == ["topic", *SUPPORTED, "examples"]


def test_kb_test_passes_on_the_bundled_knowledge() -> None:
    code, out = run_cli("kb", "test")
    assert (code, out.splitlines()[-1].startswith("PASS: top-1")) == (0, True)
    # an editor also sees how often a wrong answer has the right topic one tap below it
    shown = [line.split()[0] for line in out.splitlines()[1 : 2 + len(TEST_FIGURES)]]
    assert ("wrong_but_right_below" in TEST_FIGURES, shown) == (True, [*TEST_FIGURES, "top-1"])


def test_kb_test_fails_below_the_threshold_and_lists_misses(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for written in (kb_copy / "tests").glob("*.jsonl"):
        written.unlink()  # only the hard ones: the run is short
    (kb_copy / "tests" / "zz-hard.jsonl").write_text(
        json.dumps(
            {"text": "where can I exchange money", "hint": "en", "topic": ["currency-exchange"]}
        )
        + "\n"
        + "".join(
            json.dumps(
                {"text": f"blorp {i}", "hint": "en", "kind": "faq", "topic": ["ecny"], "lang": "en"}
            )
            + "\n"
            for i in range(20)
        )
    )
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    monkeypatch.setenv(
        "SEMANTIC_EVIDENCE", "false"
    )  # the threshold and the list, not the understanding
    code, out = run_cli("kb", "test")
    assert code == 1
    assert "  [en] 'blorp 0': want faq ecny (en); got fallback" in out
    assert out.splitlines()[-1].startswith("FAIL: top-1")


@pytest.fixture
def held_out(engine: Engine) -> dict:
    """Figures on the held-out sets only (scripts/tune.py never sees them), answered as users are answered."""
    from bot.evaluation import evaluate, load_cases
    from bot.settings import BUNDLED_KNOWLEDGE

    return evaluate(
        load_cases([BUNDLED_KNOWLEDGE / "tests" / name for name in HELD_OUT]), engine.answer
    ).figures()


def test_tuning_never_sees_the_held_out_sets() -> None:
    source = (ROOT / "scripts" / "tune.py").read_text()
    assert "load_cases(tuning_files(" in source and "glob(" not in source
    names = [path.name for path in tuning_files(ROOT / "knowledge" / "tests")]
    assert names and set(HELD_OUT).isdisjoint(names)
    assert "load_cases(real_files(" in source and "held_out=True" not in source
    unseen = (ROOT / "scripts" / "unseen.py").read_text()  # the dev-set figures, same rule
    assert "real_files(" in unseen and "held_out" not in unseen and "held-out" not in unseen
    real = ROOT / "knowledge" / "tests"
    assert [p.name for p in real_files(real)] == [
        "tune-2.jsonl",
        "tune-3.jsonl",
        "tune-4.jsonl",
        "tune-5.jsonl",
        "tune-6.jsonl",
        "tune-7.jsonl",
        "tune-8.jsonl",
        "tune-9.jsonl",
        "tune.jsonl",
    ]
    assert [p.name for p in real_files(real, held_out=True)] == [
        "held-out-2.jsonl",
        "held-out-3.jsonl",
        "held-out-4.jsonl",
        "held-out-5.jsonl",
        "held-out-6.jsonl",
        "held-out-7.jsonl",
        "held-out-8.jsonl",
        "held-out-9.jsonl",
        "held-out.jsonl",
    ]
    assert all((ROOT / "knowledge" / "tests" / name).is_file() for name in HELD_OUT)


def test_quality_bar_on_the_held_out_sets(held_out: dict) -> None:
    """top-1 ≥ 90%; language ≥ 97%; answered but wrong ≤ 5% — on questions tuning never saw."""
    assert held_out["questions"] >= 150
    assert held_out["top1"] >= 0.90
    assert held_out["language_right"] >= 0.97
    assert held_out["answered_but_wrong"] <= 0.05


def test_quality_bar_per_language_and_for_fallbacks_on_the_held_out_sets(held_out: dict) -> None:
    """top-1 ≥ 85% in each language; out-of-scope questions fall back ≥ 90%."""
    assert min(held_out["top1_by_language"].values()) >= 0.85
    assert held_out["fallback_precision"] >= 0.90


def test_cases_are_lines_ending_at_newline_only_as_the_checks_read_them(tmp_path: Path) -> None:
    # A raw line separator inside a question (a pasted post) is part of its text, as `kb check` reads it.
    path = tmp_path / "cases.jsonl"
    path.write_text(
        '{"text": "cash\u2028please", "kind": "faq", "topic": "cash-rights"}\r\n\n',
        encoding="utf-8",
    )
    assert [(c.text, c.topics) for c in load_cases([path])] == [
        ("cash\u2028please", ("cash-rights",))
    ]
