"""How answers are judged: the figures kb test and bench report, from known outcomes."""

from __future__ import annotations

import json
from pathlib import Path

from bot.answer import Answer
from bot.evaluation import Case, Report, judge, load_cases


def _faq(topic: str, related: tuple[str, ...]) -> Answer:
    return Answer(kind="faq", lang="en", text="…", topic=topic, related=related)


def test_a_wrong_answer_counts_as_right_below_only_with_a_right_topic_among_the_shown_buttons() -> (
    None
):
    case = Case(
        text="where to change money",
        hint=None,
        kind="faq",
        lang="en",
        topics=("currency-exchange",),
    )
    report = Report(
        [
            judge(case, _faq("atm-foreign-card", ("currency-exchange", "card-problems"))),
            judge(
                case,
                _faq(
                    "atm-foreign-card",
                    ("card-problems", "fraud-safety", "complaints", "currency-exchange"),
                ),
            ),
            judge(case, _faq("currency-exchange", ("exchange-back",))),  # right: not counted
        ]
    )
    figures = report.figures()
    assert (figures["answered_but_wrong"], figures["wrong_but_right_below"]) == (0.6667, 0.5)


def test_a_real_question_keeps_its_page_address(tmp_path: Path) -> None:
    """scripts/unseen.py rules out the examples from a tuning half's own pages with it."""
    batch = tmp_path / "tune-9.jsonl"
    rows = [
        {"text": "Alipay?", "kind": "faq", "topic": ["mobile-pay-setup"], "url": "https://e.org/q"},
        {"text": "Cash?", "kind": "faq", "topic": "cash-rights"},
    ]
    batch.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert [(case.url, case.topics) for case in load_cases([batch])] == [
        ("https://e.org/q", ("mobile-pay-setup",)),
        ("", ("cash-rights",)),
    ]
