"""Real questions as examples for the meaning (knowledge/asked.jsonl): checked like every knowledge file,
read by the sentence vectors and not by the words, never a held-out question nor one from its page."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answer import Query
from bot.asked import FILE, same_text
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
SCRIPT = [sys.executable, str(ROOT / "scripts" / "asked.py"), "--as-of", "2026-12-07"]


def line(**changes: object) -> str:
    """One asked.jsonl line: GOOD with `changes`."""
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def first_held_out(folder: Path) -> dict[str, str]:
    """The first question of the first batch's held-out half."""
    return dict(
        json.loads((folder / "tests" / "real" / "held-out.jsonl").read_text().split("\n")[0])
    )


def test_kb_check_reports_a_broken_asked_line_by_file_line_and_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_out = first_held_out(kb_copy)
    bad = [
        line(),
        "{not json",
        line(topic="no-such-topic"),
        line(text="Where do I change money?", url="example.org"),
        line(text="When was it?", as_of="yesterday"),
        line(text=f"  {held_out['text'].upper()} "),  # the same question, however spaced or cased
        line(),  # the first line again
        "[1, 2]",
        line(text="Which card?", topic=["card-acceptance"]),
        line(text="   "),
        line(text="Tomorrow's question", as_of="2999-01-01"),
        line(text="A question from a held-out page", url=held_out["url"] + "#comments"),
        line(topic="atm-foreign-card"),  # the first question with another topic
    ]
    (kb_copy / FILE).write_text("\n".join(bad) + "\n", encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    same_page = "a question from the same page as a held-out one must never be an example"
    assert (code, [row for row in out.splitlines() if FILE in row]) == (
        1,
        [
            "knowledge/asked.jsonl:2: line: not JSON (Expecting property name enclosed in double quotes)",
            "knowledge/asked.jsonl:3: topic: no topic 'no-such-topic'",
            "knowledge/asked.jsonl:4: url: String should match pattern '^https?://\\S+$'",
            "knowledge/asked.jsonl:5: as_of: Input should be a valid date or datetime, input is too short",
            "knowledge/asked.jsonl:6: text: a held-out question must never be an example",
            "knowledge/asked.jsonl:7: text: warning: already on an earlier line",
            "knowledge/asked.jsonl:8: line: each line must be a JSON object {...}",
            "knowledge/asked.jsonl:9: topic: Input should be a valid string",
            "knowledge/asked.jsonl:10: text: Value error, must not be blank",
            "knowledge/asked.jsonl:11: as_of: in the future",
            f"knowledge/asked.jsonl:12: text: {same_page}",
            "knowledge/asked.jsonl:13: topic: an earlier line gives this question card-acceptance",
        ],
    )


def test_an_unreadable_asked_file_is_one_line(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb_copy / FILE).write_bytes(b'{"text": "caf\xe9"}\n')
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, [row.split(" (")[0] for row in out.splitlines() if FILE in row]) == (
        1,
        ["knowledge/asked.jsonl:1: file: cannot be read as UTF-8 text"],
    )


def test_the_meaning_reads_the_asking_part_of_each_real_question_and_the_words_do_not(
    kb_copy: Path,
) -> None:
    story = "We landed late and the taxi driver would not take cash. " * 4 + "What should we do?"
    (kb_copy / FILE).write_text(line() + "\n" + line(text=story, topic="cash-rights") + "\n")
    snapshot, _ = load_knowledge(kb_copy)
    assert snapshot is not None
    assert examples(snapshot)[-2:] == [
        ("card-acceptance", GOOD["text"]),
        ("cash-rights", focus(story)),
    ]
    assert focus(story) != story
    without = dataclasses.replace(snapshot, asked=())
    assert Matcher(snapshot).rank(story) == Matcher(without).rank(story)  # the words read none


def test_no_bundled_real_example_is_a_held_out_question_or_from_its_page() -> None:
    snapshot, problems = load_knowledge(BUNDLED_KNOWLEDGE)
    assert snapshot is not None and len(snapshot.asked) > 300
    assert [str(p) for p in problems if p.file.endswith(FILE)] == []


def test_real_questions_get_their_topic_more_often_with_the_real_examples(engine: Engine) -> None:
    """The real questions themselves (every 10th), asked as users ask: with the real examples among the
    meaning's, more of them get the topic they are labelled with than without (wiring, not generalisation:
    scripts/unseen.py measures that, each tuning half without its own questions)."""
    responder = engine.responder
    kb = responder.kb
    assert responder.semantic is not None
    sample = kb.asked[::10]
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
            "wrote": "en",
            "url": "https://example.org/a",
            "genre": "qa",
        },
        {"text": "Which VPN?", "kind": "fallback", "topic": [], "url": "https://example.org/b"},
        {
            "text": "Same page as a held-out one?",
            "kind": "faq",
            "topic": ["currency-exchange"],
            "lang": "en",
            "url": first_held_out(BUNDLED_KNOWLEDGE)["url"],
        },
    ]
    half.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "asked.jsonl"
    script = [*SCRIPT, "--out", str(out)]
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
    assert first.stdout.strip().endswith(
        "1 left out as held out or from a held-out question's page"
    )
    assert refused.stderr.strip().endswith(
        "is a held-out half: its questions must never be examples"
    )
    assert out.stat().st_mode & 0o777 == 0o644


def _one_half(tmp_path: Path, topic: object) -> tuple[Path, Path]:
    """A tuning half of one question labelled `topic`, and where the script would write."""
    half = tmp_path / "tune-9.jsonl"
    case = {"text": "Dollars?", "kind": "faq", "topic": topic, "url": "https://e.org/"}
    half.write_text(json.dumps(case) + "\n")
    return half, tmp_path / "a.jsonl"


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SCRIPT, *arguments], capture_output=True, text=True)


def test_scripts_asked_stops_at_a_topic_that_is_not_a_list(tmp_path: Path) -> None:
    half, out = _one_half(tmp_path, "currency-exchange")
    done = _run("--out", str(out), str(half))
    assert (done.returncode, done.stderr.strip(), out.exists()) == (
        1,
        f"scripts/asked.py: {half}:1: topic: a list of topic ids is needed, not 'currency-exchange'",
        False,
    )


def test_scripts_asked_refuses_a_date_in_the_future(tmp_path: Path) -> None:
    half, out = _one_half(tmp_path, ["currency-exchange"])
    done = _run("--as-of", "2999-01-01", "--out", str(out), str(half))
    assert (done.returncode, done.stderr.strip(), out.exists()) == (
        1,
        "scripts/asked.py: --as-of 2999-01-01: in the future (the bot refuses such a line)",
        False,
    )


def test_scripts_asked_names_a_broken_line_of_the_file_it_extends(tmp_path: Path) -> None:
    half, out = _one_half(tmp_path, ["currency-exchange"])
    out.write_text(line() + "\n{broken\n", encoding="utf-8")
    done = _run("--out", str(out), str(half))
    assert (done.returncode, done.stderr.strip(), out.read_text(encoding="utf-8")) == (
        1,
        f"scripts/asked.py: {out}:2: line: not JSON (Expecting property name enclosed in double quotes)",
        line() + "\n{broken\n",
    )


def test_scripts_asked_adds_collected_examples_with_their_own_date(tmp_path: Path) -> None:
    collected = tmp_path / "collected.jsonl"
    rows = [
        line(as_of="2026-12-01"),
        line(text="Same page as a held-out one?", url=first_held_out(BUNDLED_KNOWLEDGE)["url"]),
    ]
    collected.write_text("".join(f"{row}\n" for row in rows), encoding="utf-8")
    out = tmp_path / "asked.jsonl"
    done = _run("--out", str(out), str(collected))
    assert (done.returncode, [json.loads(row) for row in out.read_text().splitlines()]) == (
        0,
        [{**GOOD, "as_of": "2026-12-01"}],
    )
    assert done.stdout.strip().endswith("1 left out as held out or from a held-out question's page")


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"topic": ["card-acceptance"]}, "topic: one topic id is needed, not ['card-acceptance']"),
        ({"topic": "visas"}, "topic: one topic id is needed, not 'visas'"),
        (
            {"as_of": "2999-01-01"},
            "as_of: 2999-01-01 is in the future (the bot refuses such a line)",
        ),
        ({"url": "example.org"}, "url: String should match pattern '^https?://\\S+$'"),
    ],
)
def test_scripts_asked_stops_at_a_bad_collected_line(
    tmp_path: Path, changes: dict[str, object], why: str
) -> None:
    collected = tmp_path / "collected.jsonl"
    collected.write_text(line() + "\n" + line(text="Second?", **changes) + "\n", encoding="utf-8")
    out = tmp_path / "asked.jsonl"
    done = _run("--out", str(out), str(collected))
    assert (done.returncode, done.stderr.strip(), out.exists()) == (
        1,
        f"scripts/asked.py: {collected}:2: {why}",
        False,
    )


def test_a_collected_line_without_a_date_takes_the_one_given_and_a_null_one_stops_it(
    tmp_path: Path,
) -> None:
    undated = {key: value for key, value in GOOD.items() if key != "as_of"}
    collected, out = tmp_path / "collected.jsonl", tmp_path / "asked.jsonl"
    collected.write_text(json.dumps(undated) + "\n", encoding="utf-8")
    done = _run("--as-of", "2026-12-05", "--out", str(out), str(collected))
    assert (done.returncode, json.loads(out.read_text())["as_of"]) == (0, "2026-12-05")
    collected.write_text(line(as_of=None) + "\n", encoding="utf-8")
    out.unlink()
    done = _run("--out", str(out), str(collected))
    assert (done.returncode, done.stderr.strip(), out.exists()) == (
        1,
        f"scripts/asked.py: {collected}:1: as_of: Input should be a valid date",
        False,
    )


def test_a_tuning_question_from_a_held_out_page_is_refused_under_another_address(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches one to six were split line by line: a tuning question may come from a held-out question's page.
    The same question copied from another address of the site is still from that page."""
    real = kb_copy / "tests" / "real"
    page = "https://example.org/answers/list"
    case = {"kind": "faq", "topic": ["mobile-pay-problems"], "lang": "en", "url": page}
    for half, text in (("held-out.jsonl", "Held out?"), ("tune.jsonl", "What if Alipay fails?")):
        with (real / half).open("a", encoding="utf-8") as out:
            out.write(json.dumps({**case, "text": text}) + "\n")
    copied = line(text="“What if Alipay fails”", url="https://example.org/answers/alipay-fails")
    (kb_copy / FILE).write_text(line() + "\n" + copied + "\n", encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, [row for row in out.splitlines() if FILE in row]) == (
        1,
        [
            "knowledge/asked.jsonl:2: text: a question from the same page as a held-out one must never "
            "be an example"
        ],
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("中国旅行で現金は使えない?", "「中国旅行で現金は使えない」"),
        ("Can I use Alipay in China?", "  can i use ALIPAY in china "),
        ("微信支付怎么扫二维码付款", "【微信支付怎么扫二维码付款】"),
    ],
)
def test_the_same_question_is_the_same_whatever_its_punctuation_case_or_spacing(
    one: str, other: str
) -> None:
    assert same_text(one) == same_text(other)


def test_different_words_are_different_questions() -> None:
    assert same_text("Can I use Alipay?") != same_text("Can I use WeChat?")
