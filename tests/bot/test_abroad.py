"""Paying outside mainland China: told that PayHelp covers the mainland, not answered with a topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.abroad import Abroad
from bot.answer import Query
from bot.engine import Engine
from bot.knowledge import load_knowledge, require_knowledge
from bot.settings import BUNDLED_KNOWLEDGE
from tests.helpers import run_cli

KB = require_knowledge(BUNDLED_KNOWLEDGE)
ABROAD = Abroad(KB)


def found(text: str) -> str | None:
    country = ABROAD.find(text)
    return country.id if country else None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("does alipay work in japan", "japan"),
        ("I would like to pay with Alipay in Japan", "japan"),  # not a comparison
        ("在日本用支付宝付款可以吗", "japan"),
        ("在东京便利店能刷银联卡吗", "japan"),
        ("去日本玩用什么付钱", "japan"),
        ("일본에서 알리페이 돼요?", "japan"),  # Japan in Korean: not the writer's home
        ("홍콩에서 알리페이 돼요?", "hong-kong"),
        ("работает ли алипей в Гонконге", "hong-kong"),
        ("WeChat Pay nedir? Türkiye’de nerelerde geçerli?", "turkey"),
        ("İstanbul’da Alipay geçer mi", "turkey"),  # the Turkish capital İ folds to i
        ("Bisakah bayar pakai Alipay di Indonesia?", "indonesia"),
        ("Est-ce qu'on peut payer avec WeChat au Japon ?", "japan"),
        ("can I use my UnionPay card in the UK", "united-kingdom"),
        ("去印度尼西亞旅遊用什麼付款", "indonesia"),  # Traditional, and not India inside Indonesia
        ("在紐約能用微信支付嗎", "united-states"),
        ("Does WeChat work in Canada?", "canada"),
        ("Which card should I bring on a trip to Thailand?", "thailand"),
        ("香港能用微信支付吗", "hong-kong"),  # the place opens the question
        ("日本可以用支付宝吗", "japan"),
        ("Does Alipay work in North Korea?", "north-korea"),
    ],
)
def test_a_country_named_as_where_paying_happens_is_found(text: str, country: str) -> None:
    assert found(text) == country


@pytest.mark.parametrize(
    "text",
    [
        # a name inside another word
        "ケータイで払えますか",  # タイ (Thailand) inside ケータイ (a mobile phone)
        "内モンゴルでWeChat Payは使えますか",  # Inner Mongolia is in China
        "외국인도 현지 카드 발급 됨?",  # 인도 (India) inside 외국인도
        # a home, not where the visitor pays
        "Can I use my Japanese card in China?",
        "日本のクレジットカードは使えますか",
        "한국에서 온 유학생인데 위챗페이 쓸 수 있나요?",
        "My card was issued in Japan, will it work here?",
        "Можно ли оплатить картой Мир, выпущенной в России?",
        "한국에서 발급받은 카드 여기서 돼요?",
        "我的卡是在日本办的，在这里能用吗",
        "日本で発行したカードはこちらで使えますか",
        "In Japan I could pay with Visa everywhere, why not here?",
        "한국 여행객인데 알리페이 돼요?",
        "韩国旅游团能用现金吗",
        "I'm at the US embassy, can I pay the visa fee by card?",
        "My phone number is in the US, can I register Alipay?",
        "My bank in Germany blocked my card after I paid with Alipay",
        "I live in Korea and I'm visiting next month. Can I use Alipay?",
        "我在香港有银行账户，能绑定微信支付吗",  # a Hong Kong resident asking about the mainland
        "我在澳门上班，周末去珠海买东西能用澳门通吗",
        "미국에서 사는 교포인데 알리페이 쓸 수 있나요?",
        "Я живу в Японии, можно ли привязать японскую карту к Alipay?",
        "Thẻ ngân hàng ở Việt Nam có dùng được Alipay không?",
        "儿子在美国，怎么给我微信转账",  # family there, the money comes here
        "Is Alipay like Apple Pay in America?",  # a comparison
        # a trip still ahead, or the mainland's money: about the mainland
        "I'm in Japan now, can I set up Alipay before my trip?",
        "Can I get Chinese yuan in Japan?",
        "I used Alipay in Thailand before, does the same app work in Xining?",
        "在满洲里能用卢布吗，还是只有到俄罗斯那边才能用",
        # the writer's own country, in its language: where they exchange before leaving
        "한국에서 위안화 환전 어디가 좋아요?",
        "日本で両替して行くべき?",
        "Лучше обменять деньги в России или на месте?",
        # the mainland or "here" is named too
        "Should I exchange money in Korea before going to China?",
        "我在韩国打工攒了些韩币，回国想换成人民币",
        "Я в Пекине. Можно ли платить картой, выпущенной в России?",
        "现在日本的信用卡在这边还能用吗",
        # a word that only looks like "in/at/to" + a country
        "看来日本的卡不能用，怎么办",
        "收到日本的汇款怎么取",
        "在日本料理店可以用支付宝吗",
        "在韩国烤肉店结账可以刷卡吗",
        "罗森这种日本的便利店能用Visa卡吗",
        "在商场买日本玩具能用信用卡吗",
        "朝鲜族在延吉用什么付钱",
        "Can I pay in UAE dirhams?",
        "Can I pay in HK dollars?",
        "香港本地卡能绑微信吗",
        # going home, not paying there
        "Hi, flying home to Sydney on Sunday with 800 yuan left",
        "Ich fliege am Sonntag nach Japan zurück und habe noch 800 Yuan übrig",
        "일본에 가기 전에 남은 위안 어디서 바꿔요?",
        "去日本之前要把人民币换掉吗",
        "Going to Japan next week, should I change my yuan back first?",
    ],
)
def test_a_home_a_trip_from_the_mainland_or_a_lookalike_is_not_abroad(text: str) -> None:
    assert found(text) is None


ENGLISH = (
    "PayHelp only answers questions about paying in mainland China, so I can't tell you how paying "
    "works in {place}. Your bank or card issuer, or a local tourist information office, can. For "
    "paying in mainland China, choose a topic below or tap 'Talk to a person'."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("does alipay work in japan", ENGLISH.format(place="Japan")),
        ("Does WeChat work in Canada?", ENGLISH.format(place="Canada")),
        (
            "在新西兰能用微信支付吗",  # the words are sure it is mobile payment; the place says it is not ours
            "PayHelp 只回答在中国大陆怎么付钱。在新西兰怎么付钱，请咨询您的银行或发卡机构，或当地的游客服务中心。"
            "想了解在中国大陆怎么付钱，请选下面的主题，或者点“转人工”。",
        ),
        (
            "홍콩에서 알리페이 돼요?",
            "PayHelp는 중국 본토에서의 결제만 안내해요. 홍콩에서의 결제는 이용하시는 은행이나 카드사, 또는 현지 "
            "관광안내소에 물어보세요. 중국 본토에서의 결제가 궁금하시면 아래 주제를 고르시거나 '상담원 연결'을 누르세요.",
        ),
    ],
)
def test_the_user_is_told_payhelp_covers_the_mainland_naming_the_country(
    engine: Engine, text: str, expected: str
) -> None:
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic, answer.text) == ("fallback", None, expected)


def test_its_buttons_are_the_nearest_topics_and_elder_mode_adds_where_to_ask(
    engine: Engine,
) -> None:
    text = "Does WeChat work in Canada?"
    answer, elder = (engine.answer(Query(text=text, elder=on)) for on in (False, True))
    assert answer.related == ("mobile-pay-problems", "mobile-pay-setup", "learn-scan-to-pay")
    call = engine.responder._with_call(
        answer
    ).text  # the elder fallback's call line, as for any fallback
    assert elder.text == call and elder.text.startswith(ENGLISH.format(place="Canada"))
    assert len(elder.text) > len(answer.text)


@pytest.mark.parametrize(
    "text",
    ["剩下的钱在韩国能换回韩元吗", "Can I change my leftover money back in Korea?"],
)
def test_leaving_china_for_another_country_is_answered(engine: Engine, text: str) -> None:
    """The country is where the visitor goes next; changing money back is done before leaving (`leaving`)."""
    assert found(text) is not None
    answer = engine.answer(Query(text=text))
    assert (answer.kind, answer.topic) == ("faq", "exchange-back")


def test_the_same_question_about_the_mainland_is_answered(engine: Engine) -> None:
    answer = engine.answer(Query(text="does alipay work in china"))
    assert (answer.kind, answer.topic) == ("faq", "mobile-pay-setup")


def test_a_knowledge_folder_without_countries_finds_nothing(kb_copy: Path) -> None:
    (kb_copy / "countries.yaml").unlink()
    assert Abroad(require_knowledge(kb_copy)).find("does alipay work in japan") is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  kind: abroad\n",
            "  kind: overseas\n",
            "kind: must be one of 'mainland', 'abroad' or 'home' (in hong-kong)",
        ),
        (
            "    en: [Macau, Macao]\n",
            "    en: [Macau, Macao, HK]\n",
            "names.en: 'HK' is also hong-kong's (in macau)",
        ),
    ],
    ids=["bad kind", "a name in two entries"],
)
def test_a_broken_countries_file_names_file_line_and_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    path = kb_copy / "countries.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1  # the broken entry's line, as the editor sees it
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    problems = [line for line in out.splitlines() if "countries.yaml" in line]
    assert (code, problems) == (1, [f"knowledge/countries.yaml:{line}: {expected}"])
    assert load_knowledge(kb_copy)[0] is None


def test_an_editors_home_word_makes_a_named_country_the_writers_home(kb_copy: Path) -> None:
    question = "Can I pay with Alipay in Japan, my homeland?"
    assert Abroad(require_knowledge(kb_copy)).find(question, "en") is not None  # paying in Japan
    path = kb_copy / "countries.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    en: [issued, "
    path.write_text(text.replace(old, "    en: [homeland, issued, ", 1), encoding="utf-8")
    assert Abroad(require_knowledge(kb_copy)).find(question, "en") is None  # the writer's home


@pytest.mark.parametrize(
    ("text", "home"),
    [
        ("a card issued in japan", True),
        ("my banking app in japan", True),
        ("banknotes in japan", False),  # *bank: any beginning, no other ending
        ("i  live in japan", True),  # a space in a phrase is any spaces
        ("my citibank card in japan", True),  # *bank: any beginning
        ("где найти банкомат в японии", False),  # an ATM is no bank of one's own
        ("карта сбербанка в японии", True),
        ("можно платить как во франции", True),
        ("какие кошельки работают в японии", False),  # работаю: a whole word
        ("like in japan", True),
        ("i would like to pay in japan", False),
        ("a trip to borneo", False),  # born: a whole word
        ("the reason to visit japan", False),  # son: a whole word
        ("日本发行的卡", True),
        ("일본처럼", True),  # Hangul anywhere in a word
        ("карта, выпущенная в японии", True),
    ],
)
def test_home_words_are_whole_words_in_latin_and_cyrillic_and_anywhere_in_han_and_hangul(
    text: str, home: bool
) -> None:
    abroad = Abroad(require_knowledge(BUNDLED_KNOWLEDGE))
    assert (text, abroad._home.search(text) is not None) == (text, home)


@pytest.mark.parametrize(
    ("entry", "old", "new", "expected"),
    [
        (
            "- id: macau\n",
            "    en: [Macau, Macao]\n",
            "    en: [Macau*, Macao]\n",
            "names: Value error, 'Macau*': a * belongs only in the home-words entry (kind: home) (in macau)",
        ),
        (
            "- id: home-words\n",
            "    en: [issued, ",
            '    en: ["*", issued, ',
            "names: Value error, '*': a * only at a word's start or end, around letters (in home-words)",
        ),
    ],
    ids=["a * in a country's name", "a * alone among the home words"],
)
def test_a_star_outside_a_home_words_start_or_end_is_refused_with_file_line_and_field(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch, entry: str, old: str, new: str, expected: str
) -> None:
    # A lone * would match everywhere and silently end every "paying abroad" answer.
    path = kb_copy / "countries.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("  names:\n", text.index(entry))].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    code, out = run_cli("kb", "check")
    problems = [line for line in out.splitlines() if "countries.yaml" in line]
    assert (code, problems) == (1, [f"knowledge/countries.yaml:{line}: {expected}"])


def test_a_word_cut_at_the_windows_edge_is_not_read_as_a_home_word() -> None:
    # "reason" cut to "son", "persona" cut to "son": at every distance from the name, still paying in Japan
    abroad = Abroad(require_knowledge(BUNDLED_KNOWLEDGE))
    found = {abroad.find(f"alipay: for that reason {'y' * n} in japan", "en") for n in range(25)}
    assert {country.id if country else None for country in found} == {"japan"}
