"""Matcher evidence: the naive Bayes posterior is a distribution over targets and favours the topic whose words are used."""

from __future__ import annotations

import math

import pytest

from bot.answer import Query
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.keywords import stem_phrase
from bot.settings import BUNDLED_KNOWLEDGE
from bot.text import compact, normalize, tokens


def _posterior(engine: Engine, text: str) -> dict[str, float]:
    return engine.responder.matcher.bayes(set(tokens(normalize(text))))


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("where can I change euros into yuan", "currency-exchange"),
        ("数字人民币钱包怎么开通", "ecny"),
        ("банкомат снять наличные иностранной картой", "atm-foreign-card"),
    ],
)
def test_posterior_is_a_distribution_led_by_the_topic_asked_about(
    engine: Engine, text: str, topic: str
) -> None:
    posterior = _posterior(engine, text)
    assert math.isclose(sum(posterior.values()), 1.0)
    assert max(posterior, key=posterior.get) == topic


def test_no_known_word_gives_no_evidence(engine: Engine) -> None:
    assert _posterior(engine, "zzqx vrrbl") == {}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("where can I change euros into yuan", "currency-exchange"),
        ("数字人民币钱包怎么开通", "ecny"),
        ("банкомат снять наличные иностранной картой", "atm-foreign-card"),
    ],
)
def test_rank_leads_with_the_topic_asked_about_and_gives_it_the_most_evidence(
    engine: Engine, text: str, topic: str
) -> None:
    ranked = engine.responder.matcher.rank(text)
    assert ranked[0].target == topic
    assert max(ranked, key=lambda scored: scored.bayes).target == topic


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("exchage money airport", "exchange money airport"),  # a typo inside the word is mended
        (
            "tipping culture",
            "tipping culture",
        ),  # not "shipping": another first letter is another word
    ],
)
def test_typos_are_mended_only_to_a_word_with_the_same_first_letter(
    engine: Engine, typed: str, read: str
) -> None:
    assert engine.responder.matcher.correct(typed) == read


def test_a_message_read_once_ranks_as_its_text_and_keeps_what_it_matched(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The responder reads a message's words once and ranks it twice (words, then words and meaning)."""
    matcher = engine.responder.matcher
    text = "where can I exchange money at the airport"
    reading = matcher.read(text)
    first = matcher.rank(reading)
    assert first == matcher.rank(text)
    matched = set(reading.matches)
    assert {s.target for s in first} <= matched
    looked_up: list[str] = []
    keyword = matcher._keyword
    monkeypatch.setattr(
        matcher,
        "_keyword",
        lambda target, *rest: looked_up.append(target) or keyword(target, *rest),
    )
    again = matcher.rank(reading, similarity={s.target: 0.9 for s in first})
    assert ([s.target for s in again][:1], set(looked_up) & matched) == (
        ["currency-exchange"],
        set(),
    )


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        (
            "How does China mobile payment work?",
            "phone-sim",
            0.0,
        ),  # the operator's name, not a phone
        ("Where is a China Mobile store near me?", "phone-sim", 1.0),
        (
            "소비자 상담 어디로 해요?",
            "card-acceptance",
            0.0,
        ),  # 비자 stands inside 소비자 (consumer)
        ("비자카드 돼요?", "card-acceptance", 1.0),
        ("中国の人は親切ですか", "elderly-mobile-pay", 0.0),  # 親 stands inside 親切 (kind)
        ("高齢の親にスマホ決済を教えたい", "elderly-mobile-pay", 1.0),
        ("哪里能换零钱", "wallet-balance", 0.0),  # small change, not the WeChat balance called 零钱
        ("微信零钱怎么看", "wallet-balance", 1.0),
    ],
)
def test_a_keyword_counts_as_itself_not_inside_another_word(
    engine: Engine, text: str, target: str, expected: float
) -> None:
    from bot.keywords import stem_phrase
    from bot.text import compact

    matcher = engine.responder.matcher
    query = matcher.correct(normalize(text))
    assert matcher._keyword(target, query, compact(query), stem_phrase(query)) == expected


def test_a_keyword_in_the_message_is_always_weighed(engine: Engine) -> None:
    """Every candidate whose keyword stands in a written question gets its keyword evidence, however few of the
    question's words its examples share ("Can I use Visa at Mount Wutai?" once lost card-acceptance's "visa")."""
    matcher = engine.responder.matcher
    missed = []
    for case in load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl"))):
        reading = matcher.read(case.text)
        matcher.rank(reading)
        query = reading.query
        for target in reading.candidates:
            found = matcher.keywords.get(target)
            if found and found.stands_in(query, compact(query), stem_phrase(query)):
                if reading.matches.get(target, (0.0, 0.0))[0] != 1.0:
                    missed.append((case.text, target))
    assert missed == []


def test_other_language_phrases_are_read_like_examples_and_not_by_naive_bayes(
    engine: Engine,
) -> None:
    """`keywords.other` holds one phrase in a dozen spellings: the words read each like a short example
    question, and naive Bayes, which counts how often a topic uses a word, leaves them out."""
    matcher = engine.responder.matcher
    reading = matcher.read("wo ist ein geldautomat")
    assert _posterior(engine, "geldautomat mehrwertsteuer") == {}
    assert max(reading.best_doc, key=reading.best_doc.__getitem__) == "atm-foreign-card"


@pytest.fixture(scope="module")
def words_only() -> Engine:
    """The bundled knowledge with the meaning off (SEMANTIC_EVIDENCE=false, or before the vectors are built)."""
    return Engine.load(BUNDLED_KNOWLEDGE)


def test_a_message_sharing_part_of_an_other_language_phrase_is_offered_its_topic(
    engine: Engine, words_only: Engine
) -> None:
    """ "geld tauschen" and "retirer de l'argent" only partly stand in these: read as whole-phrase keywords,
    both fell back."""
    german = words_only.answer(
        Query(text="Wie kann ich in China Geld tauschen, wenn die Bank zu hat?")
    )
    french = engine.answer(Query(text="Où puis-je retirer de l'argent avec ma carte étrangère ?"))
    assert (german.kind, german.suggestions[:1]) == ("clarify", ("currency-exchange",))
    assert (french.kind, french.suggestions[:1]) == ("clarify", ("atm-foreign-card",))


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Posso pagare con il telefono nei negozi cinesi?", "mobile-pay-setup"),
        ("Le commerçant refuse mes espèces, est-ce permis ?", "cash-refusal-complaint"),
    ],
)
def test_other_languages_are_answered_by_their_words_alone(
    words_only: Engine, text: str, topic: str
) -> None:
    """Other-language phrases let the words alone answer these (both fell back before the phrases)."""
    answer = words_only.answer(Query(text=text))
    assert (answer.kind, answer.topic, answer.lang) == ("faq", topic, "en")


def test_an_italian_phone_payment_question_is_answered_with_the_meaning_on(engine: Engine) -> None:
    answer = engine.answer(Query(text="Posso pagare con il telefono nei negozi cinesi?"))
    assert (answer.kind, answer.topic) == ("faq", "mobile-pay-setup")
