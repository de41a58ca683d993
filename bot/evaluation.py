"""Run regression questions through the real answering path and score the answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answer import SHOWN_RELATED, Answer, Query
from bot.crosscheck import Collector, json_lines


@dataclass(frozen=True)
class Case:
    """One regression question and what counts as right."""

    text: str
    hint: str | None
    kind: str
    lang: str
    topics: tuple[str, ...] = ()
    place: str | None = None
    source: str = ""  # the file it came from
    url: str = ""  # a real question's page address

    @property
    def label(self) -> str:
        """The topic, place or kind this case is about, for per-topic reports."""
        return self.topics[0] if self.topics else (self.place or self.kind)


@dataclass(frozen=True)
class Outcome:
    """How one case went."""

    case: Case
    answer: Answer
    right: bool
    wrong: bool  # answered something definite, and it was the wrong thing
    lang_right: bool

    @property
    def right_below(self) -> bool:
        """A wrong FAQ answer with a right topic among the buttons under it: one tap away after reading it."""
        shown = self.answer.related[:SHOWN_RELATED]
        return (
            self.wrong and self.answer.kind == "faq" and any(t in shown for t in self.case.topics)
        )

    @property
    def one_tap(self) -> bool:
        """A "did you mean" that offers the right topic: the user is one tap away."""
        return self.answer.kind == "clarify" and any(
            t in self.answer.suggestions for t in self.case.topics
        )


@dataclass
class Report:
    """Figures over a set of outcomes."""

    outcomes: list[Outcome] = field(default_factory=list)

    def rate(self, selected: Iterable[Outcome], test: Callable[[Outcome], bool]) -> float:
        chosen = list(selected)
        return sum(1 for o in chosen if test(o)) / len(chosen) if chosen else 1.0

    @property
    def top1(self) -> float:
        """Share of in-scope questions answered with the right topic, place, greeting or handoff."""
        return self.rate(self.in_scope, lambda o: o.right)

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.kind != "fallback"]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.kind == "fallback"]

    def by(self, key: Callable[[Outcome], str]) -> dict[str, list[Outcome]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            groups[key(outcome)].append(outcome)
        return dict(sorted(groups.items()))

    def figures(self) -> dict[str, Any]:
        """Every figure kb test and bench report, as plain data."""
        return {
            "questions": len(self.outcomes),
            "top1": round(self.top1, 4),
            "right_or_one_tap": round(self.rate(self.in_scope, lambda o: o.right or o.one_tap), 4),
            "top1_by_language": {
                lang: round(
                    self.rate([o for o in group if o.case.kind != "fallback"], lambda o: o.right), 4
                )
                for lang, group in self.by(lambda o: o.case.lang).items()
            },
            "language_right": round(self.rate(self.outcomes, lambda o: o.lang_right), 4),
            "fallback_precision": round(
                self.rate(self.out_of_scope, lambda o: o.answer.kind == "fallback"), 4
            ),
            "clarify_rate": round(
                self.rate(self.outcomes, lambda o: o.answer.kind == "clarify"), 4
            ),
            "answered_but_wrong": round(self.rate(self.outcomes, lambda o: o.wrong), 4),
            "wrong_but_right_below": round(
                self.rate(
                    [o for o in self.in_scope if o.wrong and o.answer.kind == "faq"],
                    lambda o: o.right_below,
                ),
                4,
            ),
        }


def load_cases(paths: Iterable[Path]) -> list[Case]:
    """Read regression questions (dev-questions.jsonl format) from jsonl files, as `kb check` reads them;
    a broken line is a ValueError naming file and line (kb check reports every one)."""
    cases = []
    for path in paths:
        collect = Collector(path)
        rows = list(json_lines(collect, path))
        if collect.problems:
            raise ValueError(str(min(collect.problems)))
        for number, raw in rows:
            if not isinstance(raw.get("text"), str):
                raise ValueError(f'{path}:{number}: text: each line needs a "text"')
            topics = raw.get("topic") or ()
            cases.append(
                Case(
                    text=raw["text"],
                    hint=raw.get("hint"),
                    kind=raw.get("kind", "faq"),
                    lang=raw.get("lang", "en"),
                    topics=tuple([topics] if isinstance(topics, str) else topics),
                    place=raw.get("place"),
                    source=path.name,
                    url=raw["url"] if isinstance(raw.get("url"), str) else "",
                )
            )
    return cases


def judge(case: Case, answer: Answer) -> Outcome:
    """Compare one answer with what the case expects."""
    if case.kind == "faq":
        right = answer.kind == "faq" and answer.topic in case.topics
    elif case.kind == "place":
        right = answer.kind == "place" and bool(answer.places) and answer.places[0] == case.place
    else:
        right = answer.kind == case.kind
    definite = answer.kind in ("faq", "place", "handoff")
    return Outcome(case, answer, right, definite and not right, answer.lang == case.lang)


def evaluate(cases: Iterable[Case], ask: Callable[[Query], Answer]) -> Report:
    """Answer every case with `ask` and judge it."""
    report = Report()
    for case in cases:
        answer = ask(Query(text=case.text, hint=case.hint))
        report.outcomes.append(judge(case, answer))
    return report
