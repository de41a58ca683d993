"""Whether a message asks about paying outside mainland China ("does Alipay work in Japan", "홍콩에서 알리페이 돼요").

PayHelp covers the mainland. A country or territory of knowledge/countries.yaml named as where something
happens ("in Japan", "日本で", "在日本", "일본에서", "в Японии", "Türkiye'de") says the question is not ours,
unless the message names the mainland too, or "here" ("exchange in Korea before going to China" is ours).
A name alone is not enough, and neither is a home: "my Japanese card", "日本のカード", "한국에서 온 유학생" (a
student from Korea), "a card issued in Japan", "карта, выпущенная в России" are where visitors come from,
not where they pay; so is Korea in a Korean message (`home` in countries.yaml: "한국에서 환전해 갈까요?" asks
where to exchange before leaving). How a name is found depends on its script, whatever its language field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge import Knowledge
from bot.language import decide
from bot.schema import Country
from bot.text import CYRILLIC, HAN, HANGUL, HANGUL_RANGE, KANA, KATAKANA_RANGE, fold

# Where something happens, by script; every pattern is written folded (bot.text.fold: Simplified, lower case).
# Han and kana, before the name: 在日本, 来韩国, 去日本, 到香港 — not 现在, 看来, 回去, 收到, where the
# character is part of another word.
_HAN_BEFORE = (
    r"(?<![现正存实还不])在|(?<![看原本后出起未将])来|(?<![回过出失])去|(?<![收得找遇想看直等])到"
)
# ... after a name said so, not a word the name describes: "在韩国烤肉店" (a Korean barbecue), "在日本料理店",
# "到俄罗斯商品城", "朝鲜族", or "去日本之前" (before leaving).
_HAN_NOT_AFTER = (
    r"(?!料理|餐|菜|烤肉|面|馆|店|超市|商|品|货|街|路|城|风|式|产|制|玩具|豆捞|族|人|大使|领事|之前|前"
    r"|的店|的超市|的便利店|的银行|的卡|的商)"
)
# Han and kana, after the name: 日本で, 韩国旅行, 日本当地 — not 韩国旅游团 (a tour group from there); and a
# name that opens a question: "香港能用微信支付吗", "日本可以用支付宝吗".
_HAN_AFTER = (
    r"で|では|に行|へ行|に旅|旅行(?!者|客|团|社)|旅游(?!者|客|团|社)|当地|现地"
    r"|能用|可以用|可不可以用|能不能用|有没有|支持"
)
# Hangul, after the name: 일본에서, 일본 여행, 일본 현지 — not "한국에서 온" (from Korea), "한국에서 발급" (issued
# there), "한국 여행객" (a traveller from there).
_HANGUL_AFTER = r"에서(?!\s*(?:온|오|왔|가져|발급|만든|산))|\s?여행(?!객|자|사)|\s?현지"
# Cyrillic, before the name: в Японии, на Тайване (the names list the form that follows в).
_CYRILLIC_BEFORE = r"в|во|на"
# Latin: en "in/at", fr "en/au/à", es/pt "en/em/no/na", id "di", vi "ở/tại". "To" only after a trip ("a trip
# to Taiwan", "travelling to Thailand"): going there is otherwise often going home ("flying home to Sydney",
# "nach Japan zurück").
_LATIN_BEFORE = (
    r"in|at|around|across|within|throughout|visiting|en|au|aux|à|em|no|na|di|ở|tại"
    r"|(?:trip|travel|travell?ing|travels|holiday|vacation|tour)\s+to"
)
_LATIN_NOT_AFTER = (  # "in HK dollars", "in UAE dirhams": a currency
    r"(?!\s*(?:dollars?|\$|-?style|yen|won|embassy|consulate|dirhams?|patacas?|baht|ringgit|euros?|lira"
    r"|tugriks?|rupiah|rupees?|dong|pesos?|pounds?|francs?|roubles?|rubles?))"
)
_LATIN_AFTER = r"['’](?:de|da|te|ta)"  # Turkish: "Türkiye'de"
# Near a name, a word that makes it someone's home rather than where paying happens: the `home` entry of
# countries.yaml (a card or account issued or held there, living, working or studying there, family there),
# and here a comparison with English "like" ("like in Japan", not "would like to", "I'd like").
_LIKE = r"(?<!would )(?<!'d )(?<!\w)like(?!\s+to)(?!\w)"
_HOME_WINDOW = 20  # characters either side of the name


def _alternation(names: Iterable[str]) -> str:
    """One regex alternative per name, the longest first (so "印度尼西亚" wins over "印度")."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _by_script(names: Iterable[str]) -> dict[str, list[str]]:
    """The names grouped by how they are written: Han and kana, Hangul, Cyrillic, Latin."""
    scripts: dict[str, list[str]] = {"han": [], "hangul": [], "cyrillic": [], "latin": []}
    for name in names:
        if HANGUL.search(name):
            scripts["hangul"].append(name)
        elif HAN.search(name) or KANA.search(name):
            scripts["han"].append(name)
        elif CYRILLIC.search(name):
            scripts["cyrillic"].append(name)
        else:
            scripts["latin"].append(name)
    return scripts


def _where_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for the names said as where something happens; the name is in its `n…` group."""
    scripts = _by_script(names)
    parts = []
    if scripts[
        "han"
    ]:  # not inside a katakana word: "ケータイ" holds "タイ", "内モンゴル" "モンゴル"
        found = rf"(?<![{KATAKANA_RANGE}])(?:{_alternation(scripts['han'])})(?![{KATAKANA_RANGE}])"
        parts.append(rf"(?:{_HAN_BEFORE})(?P<n1>{found}){_HAN_NOT_AFTER}")
        parts.append(rf"(?P<n2>{found})(?:{_HAN_AFTER})")
    if scripts["hangul"]:  # a name starts a word: "인도" (India) is inside "외국인도"
        found = _alternation(scripts["hangul"])
        parts.append(rf"(?<![{HANGUL_RANGE}])(?P<n3>{found})(?:{_HANGUL_AFTER})")
    if scripts["cyrillic"]:
        found = _alternation(scripts["cyrillic"])
        parts.append(rf"(?<!\w)(?:{_CYRILLIC_BEFORE})\s+(?P<n4>{found})(?!\w)")
    if scripts["latin"]:
        found = _alternation(scripts["latin"])
        parts.append(
            rf"(?<!\w)(?:{_LATIN_BEFORE})\s+(?:the\s+)?(?P<n5>{found})(?!\w){_LATIN_NOT_AFTER}"
        )
        parts.append(rf"(?<!\w)(?P<n6>{found})(?:{_LATIN_AFTER})(?!\w)")
    return re.compile("|".join(parts)) if parts else None


def _home_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """The home words: Han, kana and Hangul anywhere; any other a whole word, unless a * at its end takes any
    ending or a * at its start any beginning; a space stands for any spaces."""
    parts = [_LIKE]
    for word in sorted(set(words), key=len, reverse=True):
        found = r"\s+".join(re.escape(part) for part in word.strip("*").split())
        if HAN.search(word) or KANA.search(word) or HANGUL.search(word):
            parts.append(found)
        else:
            before = "" if word.startswith("*") else r"(?<!\w)"
            after = "" if word.endswith("*") else r"(?!\w)"
            parts.append(f"{before}{found}{after}")
    return re.compile("|".join(parts))


def _named_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the names, anywhere: Han and kana as they are, Hangul at a word's start, Latin as whole words,
    Cyrillic at a word's start (so "Пекин" also finds "в Пекине")."""
    scripts = _by_script(names)
    parts = []
    if scripts["han"]:
        parts.append(_alternation(scripts["han"]))
    if scripts["hangul"]:
        parts.append(rf"(?<![{HANGUL_RANGE}])(?:{_alternation(scripts['hangul'])})")
    if scripts["cyrillic"]:
        parts.append(rf"(?<!\w)(?:{_alternation(scripts['cyrillic'])})")
    if scripts["latin"]:
        parts.append(rf"(?<!\w)(?:{_alternation(scripts['latin'])})(?!\w)")
    return re.compile("|".join(parts)) if parts else None


class Abroad:
    """Finds the country a message asks about paying in, when it is not the mainland."""

    def __init__(self, kb: Knowledge) -> None:
        self.by_name: dict[str, Country] = {}
        mainland: list[str] = [
            n for region in kb.regions.values() for _, names in region.names.items() for n in names
        ]
        home: list[str] = []
        for country in kb.countries.values():
            names = [fold(n) for _, group in country.names.items() for n in group]
            if country.kind == "mainland":
                mainland.extend(names)
            elif country.kind == "home":
                home.extend(names)
            else:
                for name in names:
                    self.by_name.setdefault(name, country)
        self._where = _where_pattern(self.by_name)
        self._mainland = _named_pattern(fold(n) for n in mainland)
        self._home = _home_pattern(home)

    def find(self, text: str, written: str | None = None) -> Country | None:
        """The country outside the mainland where the message asks about paying; None when it is ours.
        `written`: the language the message is in (bot.language's detection), found here when not given."""
        if self._where is None:
            return None
        folded = fold(text)
        if self._mainland is not None and self._mainland.search(folded):
            return None
        writer = written if written is not None else decide(text, None, None).detected
        homes: list[tuple[int, int]] | None = (
            None  # read only once a country is named (most messages name none)
        )
        for found in self._where.finditer(folded):
            country = self.by_name[next(value for value in found.groupdict().values() if value)]
            if writer in country.home:
                continue
            if (
                homes is None
            ):  # in the whole message: a word cut at the window's edge is no whole word
                homes = [(m.start(), m.end()) for m in self._home.finditer(folded)]
            start, end = found.start() - _HOME_WINDOW, found.end() + _HOME_WINDOW
            if not any(a < end and b > start for a, b in homes):
                return country
        return None
