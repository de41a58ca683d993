"""scripts/agreement.py: careful readers scored against the real questions' labels, as the bot is scored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.engine import Engine
from tests.helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from agreement import OUT, between, load, read, score


def test_a_first_label_is_scored_as_an_answer() -> None:
    gold = [("currency-exchange",), ("card-acceptance", "atm-foreign-card"), (OUT,), (OUT,)]
    answers = [("currency-exchange",), (OUT,), (OUT,), ("pay-hotel", "card-acceptance")]
    assert score(gold, answers) == {
        "top1": 0.5,
        "any_label": 0.5,
        "fallback_precision": 0.5,
        "answered_but_wrong": 0.25,
        "wrong_with_none_right": 0.25,
    }


def test_a_right_label_after_a_wrong_first_one_is_counted_apart() -> None:
    gold = [("atm-foreign-card",), ("pay-hotel",)]
    answers = [("card-acceptance", "atm-foreign-card"), ("pay-hotel",)]
    figures = score(gold, answers)
    assert (figures["top1"], figures["any_label"]) == (0.5, 1.0)
    assert (figures["answered_but_wrong"], figures["wrong_with_none_right"]) == (0.5, 0.0)


def test_two_labellers_agree_on_first_labels_and_scope() -> None:
    first = [("pay-hotel",), (OUT,), ("ecny", "card-acceptance")]
    second = [("pay-hotel", "ecny"), ("fraud-safety",), ("card-acceptance",)]
    assert between(first, second) == {
        "same_first": 1 / 3,
        "first_among_second": 1 / 3,
        "second_among_first": 2 / 3,
        "same_scope": 2 / 3,
    }


def test_the_stored_labels_cover_the_sample_with_known_ids(engine: Engine) -> None:
    kb = engine.responder.kb
    rows, gold, labellers = load()
    known = {*kb.topics, OUT, *(f"place:{place}" for place in kb.places)}
    assert len(rows) == len(gold) == 200
    assert sorted(labellers) == ["labeller-a", "labeller-b"]
    for labels in labellers.values():
        assert len(labels) == 200
        assert {label for row in labels for label in row} <= known
        assert all(1 <= len(row) <= 3 for row in labels)


def test_a_broken_line_stops_the_script_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "labeller-c.jsonl"
    path.write_text('{"id": 1, "labels": ["ecny"]}\n{"id": 2, "labels": [\n', encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        read(path)
    assert str(stopped.value).startswith(f"{path}:2:")


def test_a_question_holding_a_line_separator_stays_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sample.jsonl"
    path.write_text('{"id": 1, "text": "first\u2028second"}\n', encoding="utf-8")
    assert read(path) == [{"id": 1, "text": "first\u2028second"}]
