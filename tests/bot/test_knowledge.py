"""kb check catches each kind of editor mistake with file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.evaluation import load_cases
from bot.knowledge import load_knowledge
from tests.helpers import run_cli

TOPIC = """\
- id: extra-topic
  source: general practice
  as_of: 2026-01-01
  related: [currency-exchange]
  keywords:
    en: [extra]
  examples:
    zh: [额外问题, 额外问题二, 额外问题三]
    en: [extra question, another extra, third extra]
    ko: [추가 질문, 추가 질문 둘, 추가 질문 셋]
    ru: [доп вопрос, еще вопрос, третий вопрос]
    ja: [追加の質問, 追加の質問二, 追加の質問三]
  answer:
    zh: 答案
    en: Answer
    ko: 답변
    ru: Ответ
    ja: 回答
"""

PLACE = """\
- id: extra-atm
  kind: atm
  city: yanji
  parent: ynj-airport
  coords: {lat: 42.88, lon: 129.45}
  names: {zh: [测试ATM], en: [Test ATM], ko: [테스트 ATM], ru: [Тест банкомат], ja: [テストATM]}
  services: [foreign-card-atm]
  summary: {zh: 测试, en: Test, ko: 테스트, ru: Тест, ja: テスト}
  source: test
  as_of: 2026-01-01
  status: checked
"""

MISTAKES = [
    (
        "unknown field",
        "faq",
        TOPIC.replace("  related:", "  relatd: [x]\n  related:"),
        "knowledge/faq/zz.yaml:4: relatd: unknown field (check the spelling; see knowledge/README.md) (in extra-topic)",
    ),
    (
        "duplicate id",
        "faq",
        TOPIC.replace("id: extra-topic", "id: currency-exchange"),
        "knowledge/faq/zz.yaml:1: id: duplicate topic id 'currency-exchange' (first at knowledge/faq/cash.yaml:",
    ),
    (
        "missing topic reference",
        "faq",
        TOPIC.replace("[currency-exchange]", "[currency-exchnage]"),
        "knowledge/faq/zz.yaml:4: related: no topic 'currency-exchnage' (in extra-topic)",
    ),
    (
        "missing language",
        "faq",
        TOPIC.replace("    ko: 답변\n", ""),
        "knowledge/faq/zz.yaml:13: answer.ko: required field is missing (in extra-topic)",
    ),
    (
        "future as_of",
        "faq",
        TOPIC.replace("2026-01-01", "2099-01-01"),
        "knowledge/faq/zz.yaml:3: as_of: 2099-01-01 is in the future (in extra-topic)",
    ),
    (
        "blank keyword in another language",
        "faq",
        TOPIC.replace("    en: [extra]\n", "    en: [extra]\n    other: [zusatz, '  ']\n"),
        "knowledge/faq/zz.yaml:7: keywords.other: Value error, must not be empty (in extra-topic)",
    ),
    (
        "empty answer",
        "faq",
        TOPIC.replace("en: Answer", "en: ''"),
        "knowledge/faq/zz.yaml:15: answer.en: Value error, must not be empty (in extra-topic)",
    ),
    (
        "missing place reference",
        "places",
        PLACE.replace("parent: ynj-airport", "parent: ynj-airprot"),
        "knowledge/places/zz.yaml:4: parent: no place 'ynj-airprot' (in extra-atm)",
    ),
    (
        "coordinates outside China",
        "places",
        PLACE.replace("lat: 42.88, lon: 129.45", "lat: 48.85, lon: 2.35"),
        "knowledge/places/zz.yaml:5: coords: (48.85, 2.35) is outside China (in extra-atm)",
    ),
    (
        "unknown kind",
        "places",
        PLACE.replace("kind: atm", "kind: atmm"),
        "knowledge/places/zz.yaml:2: kind: must be one of 'airport', 'railway-station', 'scenic-spot', 'district', 'hotel', 'hospital', 'mall', 'bank-branch', 'atm', 'exchange-counter' or 'payment-service-center' (in extra-atm)",
    ),
    (
        "missing city",
        "places",
        PLACE.replace("city: yanji", "city: atlantis"),
        "knowledge/places/zz.yaml:3: city: no city 'atlantis' in regions.yaml (in extra-atm)",
    ),
    (
        "YAML syntax",
        "faq",
        TOPIC.replace("  answer:\n", "  answer: [\n"),
        "knowledge/faq/zz.yaml:15: file: YAML syntax: expected ',' or ']', but got ':'",
    ),
    (
        "duplicate key",
        "faq",
        TOPIC.replace(
            "  source: general practice\n", "  source: general practice\n  source: again\n"
        ),
        "knowledge/faq/zz.yaml:3: file: duplicate key 'source'",
    ),
    (
        "HTML in an answer",
        "faq",
        TOPIC.replace("en: Answer", "en: Pay at <b>the counter</b>"),
        "knowledge/faq/zz.yaml:15: answer.en: write plain text, not HTML or Markdown: '<b>' (in extra-topic)",
    ),
    (
        "Markdown in an answer",
        "faq",
        TOPIC.replace("en: Answer", "en: Pay at **the counter**"),
        "knowledge/faq/zz.yaml:15: answer.en: write plain text, not HTML or Markdown: '**t' (in extra-topic)",
    ),
    (
        "Markdown link in a summary",
        "places",
        PLACE.replace("en: Test,", "en: '[map](https://example.com)',"),
        "knowledge/places/zz.yaml:8: summary.en: write plain text, not HTML or Markdown: '[map](https://example.com)' (in extra-atm)",
    ),
    (
        "complaint call without its phone",
        "faq",
        TOPIC + "  call:\n    line: complaint-line\n    source: x\n",
        "knowledge/faq/zz.yaml:19: call: Value error, complaint-line needs its phone (in extra-topic)",
    ),
    (
        "a phone for the card's bank",
        "faq",
        TOPIC + "  call:\n    line: card-bank\n    phone: '95555'\n    source: x\n",
        "knowledge/faq/zz.yaml:19: call: Value error, card-bank has no phone of ours (it is on the card, or there is none) (in extra-topic)",
    ),
    (
        "a call the short text already gives",
        "faq",
        TOPIC
        + "  short:\n    zh: 打12363\n"
        + "  call:\n    line: complaint-line\n    phone: '12363'\n    source: x\n",
        "knowledge/faq/zz.yaml:21: call: Value error, short.zh already gives 12363; leave call out (in extra-topic)",
    ),
    (
        "a blank example in another language",
        "faq",
        TOPIC.replace("追加の質問三]\n", "追加の質問三]\n    other: [weitere frage, '  ']\n"),
        "knowledge/faq/zz.yaml:13: examples.other: Value error, must not be empty (in extra-topic)",
    ),
    (
        "not a list",
        "faq",
        "id: lonely\n",
        "knowledge/faq/zz.yaml:1: file: must be a list of entries (each starting with '- id:')",
    ),
]


@pytest.mark.parametrize(
    ("folder", "content", "expected"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES]
)
def test_kb_check_reports_file_line_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch, folder: str, content: str, expected: str
) -> None:
    (kb_copy / folder / "zz.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    problems = [line for line in out.splitlines() if "zz.yaml" in line]
    assert code == 1
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_valid_additions_pass(kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = "    other: [weitere frage, ¿otra pregunta?]\n"  # optional, any other languages
    (kb_copy / "faq" / "zz.yaml").write_text(
        TOPIC.replace("追加の質問三]\n", "追加の質問三]\n" + other), encoding="utf-8"
    )
    (kb_copy / "places" / "zz.yaml").write_text(PLACE, encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, out.splitlines()[-1]) == (0, f"0 error(s), 0 warning(s) in {kb_copy}")
    snapshot, _ = load_knowledge(kb_copy)
    assert [text for target, text in snapshot.examples() if target == "extra-topic"][-2:] == [
        "weitere frage",
        "¿otra pregunta?",
    ]


def test_bundled_knowledge_is_clean() -> None:
    code, out = run_cli("kb", "check")
    assert (
        code,
        [line for line in out.splitlines() if "error" in line and not line.startswith("0 error")],
    ) == (0, [])


def test_ui_text_with_missing_key_and_regression_file_with_bad_topic(kb_copy: Path) -> None:
    ui = (kb_copy / "ui.yaml").read_text(encoding="utf-8")
    (kb_copy / "ui.yaml").write_text(ui.replace("\nfallback:", "\nfallbakc:"), encoding="utf-8")
    (kb_copy / "tests" / "zz.jsonl").write_text(
        '{"text": "hi", "kind": "faq", "topic": ["nope"], "lang": "en"}\nnot json\n'
    )
    snapshot, problems = load_knowledge(kb_copy, today=date(2026, 11, 22))
    assert snapshot is None
    assert [
        str(p)
        for p in problems
        if p.file.endswith(("ui.yaml", "zz.jsonl")) and p.field in ("fallback", "topic", "line")
    ] == [
        "knowledge/tests/zz.jsonl:1: topic: no topic 'nope'",
        "knowledge/tests/zz.jsonl:2: line: not JSON (Expecting value)",
        "knowledge/ui.yaml:1: fallback: required interface text is missing",
    ]


def test_a_broken_real_question_batch_is_reported_once_by_file_line_and_field(
    kb_copy: Path,
) -> None:
    # The real batches are read by the bench, scripts/unseen.py and the examples' held-out check: a broken
    # line must be a kb check problem, not a traceback there.
    real = kb_copy / "tests" / "real"
    with (real / "tune-9.jsonl").open("a", encoding="utf-8") as tune:
        tune.write('{"text": "x", "kind": "faq", "topic": "no-such-topic"}\n')
    with (real / "held-out-9.jsonl").open("a", encoding="utf-8") as held_out:
        held_out.write('{"text": "broken\n')
    tune_line = len((real / "tune-9.jsonl").read_text(encoding="utf-8").split("\n")) - 1
    held_line = len((real / "held-out-9.jsonl").read_text(encoding="utf-8").split("\n")) - 1
    snapshot, problems = load_knowledge(kb_copy)
    assert (snapshot, [str(p) for p in problems if "/real/" in p.file]) == (
        None,
        [
            f"knowledge/tests/real/held-out-9.jsonl:{held_line}: line: not JSON (Unterminated string starting at)",
            f"knowledge/tests/real/tune-9.jsonl:{tune_line}: topic: no topic 'no-such-topic'",
        ],
    )


def test_cases_from_a_broken_file_are_one_line_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"text": "ok", "kind": "faq"}\n{"kind": "faq"}\n', encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_cases([path])
    assert str(refused.value) == f'{path}:2: text: each line needs a "text"'


def test_missing_knowledge_dir_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "nowhere"))
    code, out = run_cli("kb", "check")
    assert (code, out.splitlines()[0]) == (
        1,
        f"{tmp_path / 'nowhere'}:1: KNOWLEDGE_DIR: folder not found",
    )


def test_binary_garbage_gives_a_line_not_a_traceback(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kb_copy / "faq" / "zz.yaml").write_bytes(b"\xff\xfe\x00garbage")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, [line for line in out.splitlines() if "zz.yaml" in line]) == (
        1,
        ["knowledge/faq/zz.yaml:1: file: not UTF-8 text (invalid start byte)"],
    )


@pytest.mark.parametrize(
    ("name", "broken", "expected"),
    [
        (
            "a missing ]",
            (
                "related: [cash-refusal-complaint, change-pack, currency-exchange, payment-overview]",
                "related: [cash-refusal-complaint, change-pack, currency-exchange, payment-overview",
            ),
            "knowledge/faq/cash.yaml:8: file: YAML syntax: expected ',' or ']', but got ':'",
        ),
        (
            "a tab",
            ("\n    zh: [现金,", "\n\tzh: [现金,"),
            "knowledge/faq/cash.yaml:9: file: YAML syntax: found character '\\t' that cannot start any token",
        ),
    ],
    ids=["missing-bracket", "tab"],
)
def test_a_yaml_syntax_error_is_one_line_and_nothing_that_follows_from_it(
    kb_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    broken: tuple[str, str],
    expected: str,
) -> None:
    cash = kb_copy / "faq" / "cash.yaml"
    text = cash.read_text(encoding="utf-8")
    assert broken[0] in text
    cash.write_text(text.replace(broken[0], broken[1], 1), encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, out.splitlines()) == (1, [expected, f"1 error(s), 0 warning(s) in {kb_copy}"])


def test_an_empty_knowledge_dir_is_one_line_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty" / "faq").mkdir(parents=True)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "empty"))
    code, out = run_cli("kb", "check")
    assert (code, out.splitlines()) == (
        1,
        [
            f"{tmp_path / 'empty'}:1: KNOWLEDGE_DIR: no knowledge files in this folder (faq/*.yaml, places/*.yaml, ui.yaml ...); is it the right one?",
            f"1 error(s), 0 warning(s) in {tmp_path / 'empty'}",
        ],
    )


def test_a_need_s_note_must_name_a_ui_text(kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    needs = kb_copy / "needs.yaml"
    text = needs.read_text(encoding="utf-8")
    needs.write_text(text.replace("note: {text: cash_rule}", "note: {text: cash_rul}"), "utf-8")
    line = text[: text.index("note: {text: cash_rule}")].count("\n") + 1
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    assert (code, out.splitlines()[0]) == (
        1,
        f"knowledge/needs.yaml:{line}: needs.6.note.text: Value error, no text 'cash_rul' in"
        " ui.yaml's contract (bot/contract.py UI)",
    )
