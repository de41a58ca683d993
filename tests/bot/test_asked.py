"""Real questions as examples for the meaning (knowledge/asked.jsonl): checked like every knowledge file,
read by the sentence vectors and not by the words, never a held-out question."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answer import Query
from bot.asked import FILE
from bot.engine import Engine
from bot.knowledge import load_knowledge
from bot.matcher import Matcher
from bot.question import focus
from bot.responder import Responder
from bot.semantic import SemanticIndex, examples
from bot.settings import BUNDLED_KNOWLEDGE
from tests.helpers import ROOT, run_cli

GOOD = {
    "text": "Can I use my Visa card in Shanghai?",
    "topic": "card-acceptance",
    "url": "https://example.org/thread/1",
    "wrote": "en",
    "genre": "forum",
    "as_of": "2026-12-07",
}


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def test_kb_check_reports_a_broken_asked_line_by_file_line_and_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_out = json.loads(
        (kb_copy / "tests" / "real" / "held-out.jsonl").read_text().splitlines()[0]
    )
    bad = [
        line(),
        "{not json",
        line(topic="no-such-topic"),
        line(text="Where do I change money?", url="example.org"),
        line(text="When was it?", as_of="yesterday"),
        line(text=held_out["text"]),
        line(),  # the first line again
    ]
    (kb_copy / FILE).write_text("\n".join(bad) + "\n", encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, [row for row in out.splitlines() if FILE in row]) == (
        1,
        [
            "knowledge/asked.jsonl:2: line: not JSON (Expecting property name enclosed in double quotes)",
            "knowledge/asked.jsonl:3: topic: no topic 'no-such-topic'",
            "knowledge/asked.jsonl:4: url: String should match pattern '^https?://\\S+$'",
            "knowledge/asked.jsonl:5: as_of: Input should be a valid date or datetime, input is too short",
            "knowledge/asked.jsonl:6: text: a held-out question must never be an example",
            "knowledge/asked.jsonl:7: text: warning: already on an earlier line",
        ],
    )


def test_the_meaning_reads_the_asking_part_of_each_real_question_and_the_words_do_not(
    kb_copy: Path,
) -> None:
    story = "We landed late and the taxi driver would not take cash. " * 4 + "What should we do?"
    (kb_copy / FILE).write_text(line() + "\n" + line(text=story, topic="cash-rights") + "\n")
    snapshot, _ = load_knowledge(kb_copy)
    assert snapshot is not None
    read = examples(snapshot)
    assert read[-2:] == [("card-acceptance", GOOD["text"]), ("cash-rights", focus(story))]
    assert focus(story) != story
    assert GOOD["text"] not in [text for _, text in snapshot.examples()]  # the words' examples


def test_no_bundled_real_example_is_a_held_out_question() -> None:
    held_out = {
        json.loads(row)["text"]
        for path in (BUNDLED_KNOWLEDGE / "tests" / "real").glob("held-out*.jsonl")
        for row in path.read_text(encoding="utf-8").splitlines()
        if row.strip()
    }
    snapshot, _ = load_knowledge(BUNDLED_KNOWLEDGE)
    assert snapshot is not None and len(snapshot.asked) > 300
    assert [a.text for a in snapshot.asked if a.text in held_out] == []


def test_a_real_question_s_own_words_find_its_topic_through_the_meaning(engine: Engine) -> None:
    """Messages worded like real questions (here: the questions themselves, every 30th) get their topic
    more often with the real examples than without: the meaning reads them, as users receive it."""
    responder = engine.responder
    kb = responder.kb
    assert responder.semantic is not None
    sample = kb.asked[::30]
    without = dataclasses.replace(kb, asked=())
    index = SemanticIndex(responder.semantic.encoder, responder.semantic.cache, examples(without))
    index.build()
    bare = Responder(without, matcher=Matcher(without), semantic=index)

    def right(answering: Responder) -> int:
        return sum(answering.answer(Query(text=a.text)).topic == a.topic for a in sample)

    assert right(responder) > right(bare)


def test_scripts_asked_adds_a_tuning_half_once_and_refuses_a_held_out_one(tmp_path: Path) -> None:
    half = tmp_path / "tune-9.jsonl"
    rows = [
        {
            "text": "Where can I change dollars?",
            "kind": "faq",
            "topic": ["currency-exchange"],
            "lang": "en",
            "wrote": "en",
            "url": "https://example.org/a",
            "genre": "qa",
        },
        {
            "text": "Which VPN works?",
            "kind": "fallback",
            "topic": [],
            "lang": "en",
            "url": "https://example.org/b",
        },
    ]
    half.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "asked.jsonl"
    script = [
        sys.executable,
        str(ROOT / "scripts" / "asked.py"),
        "--as-of",
        "2026-12-07",
        "--out",
        str(out),
    ]
    first = subprocess.run([*script, str(half)], capture_output=True, text=True)
    again = subprocess.run([*script, str(half)], capture_output=True, text=True)
    refused = subprocess.run(
        [*script, str(tmp_path / "held-out-9.jsonl")], capture_output=True, text=True
    )
    assert [json.loads(row) for row in out.read_text().splitlines()] == [
        {
            "text": "Where can I change dollars?",
            "topic": "currency-exchange",
            "url": "https://example.org/a",
            "wrote": "en",
            "genre": "qa",
            "as_of": "2026-12-07",
        }
    ]
    assert (first.returncode, again.stdout.split(" ")[0], refused.returncode) == (0, "0", 1)
    assert refused.stderr.strip().endswith(
        "is a held-out half: its questions must never be examples"
    )
