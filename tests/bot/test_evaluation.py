"""How answers are judged: the figures kb test and bench report, from known outcomes."""

from __future__ import annotations

from bot.answer import Answer
from bot.evaluation import Case, Report, judge


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
