"""Whether a message asks about paying outside mainland China ("does Alipay work in Japan", "홍콩에서 알리페이 돼요").

PayHelp covers the mainland. A country or territory of knowledge/countries.yaml named as where something
happens ("in Japan", "日本で", "去日本", "일본에서", "в Японии", "Türkiye'de") says the question is not ours,
unless the message names the mainland too ("exchange in Korea before going to China" is ours). A name alone
is not enough: "my Japanese card", "日本のカード" and "한국에서 온 유학생" (a student from Korea) are visitors'
home countries, not where they pay. How a name is found depends on its script, whatever its language field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.knowledge import Knowledge
from bot.schema import Country
from bot.text import CYRILLIC, HAN, HANGUL, KANA

# Where something happens, by script. Han/kana: "在日本" "去香港" / "日本で" "韓国旅行" "日本当地".
_HAN_BEFORE = "在|去|到|赴|来|來|往|飞|飛|於|于"
_HAN_AFTER = "で|では|に行|へ行|に旅|旅行|旅游|旅遊|当地|當地|現地|本地|玩|的店|的商店|的便利店|のお店|の店|のコンビニ|の空港"
# Hangul: "일본에서" (not "한국에서 온", from Korea), "일본 여행", "일본에 가".
_HANGUL_AFTER = r"에서(?!\s*(?:온|오|왔|가져))|\s?여행|에\s?가|에\s?갈|\s?현지"
# Cyrillic: "в Японии" (the names list the form that follows в), "на Тайване".
_CYRILLIC_BEFORE = r"в|во|на"
# Latin: en "in" (not "to": "flying home to Sydney"), fr "en/au/à", de "nach", es/pt "en/em/no/na", id "di/ke", vi "ở/tại/sang", nl "naar".
_LATIN_BEFORE = (
    r"in|at|around|across|within|throughout|visiting|visit|en|au|aux|à|nach|em|no|na|di|ke"
    r"|ở|tại|sang|đến|naar"
)
_LATIN_AFTER = r"['’](?:de|da|te|ta)"  # Turkish: "Türkiye'de"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _by_script(names: Iterable[str]) -> dict[str, list[str]]:
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
    """One pattern for the names said as where something happens; group `name` holds the name."""
    scripts = _by_script(names)
    parts = []
    if scripts["han"]:
        found = _alternation(scripts["han"])
        parts.append(f"(?:{_HAN_BEFORE})(?P<name>{found})|(?P<name2>{found})(?:{_HAN_AFTER})")
    if scripts["hangul"]:
        hangul = _alternation(
            scripts["hangul"]
        )  # "인도" (India) is inside "외국인도": a name starts a word
        parts.append(f"(?<![\uac00-\ud7af])(?P<name3>{hangul})(?:{_HANGUL_AFTER})")
    if scripts["cyrillic"]:
        found = _alternation(scripts["cyrillic"])
        parts.append(rf"(?<!\w)(?:{_CYRILLIC_BEFORE})\s+(?P<name4>{found})(?!\w)")
    if scripts["latin"]:
        found = _alternation(scripts["latin"])
        parts.append(rf"(?<!\w)(?:{_LATIN_BEFORE})\s+(?:the\s+)?(?P<name5>{found})(?!\w)")
        parts.append(rf"(?<!\w)(?P<name6>{found})(?:{_LATIN_AFTER})(?!\w)")
    return re.compile("|".join(parts)) if parts else None


def _named_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Any of the names, anywhere: whole words in scripts with spaces, as they are in Han, kana and Hangul."""
    scripts = _by_script(names)
    parts = []
    joined = scripts["han"] + scripts["hangul"]
    if joined:
        parts.append(_alternation(joined))
    spaced = scripts["cyrillic"] + scripts["latin"]
    if spaced:
        parts.append(rf"(?<!\w)(?:{_alternation(spaced)})(?!\w)")
    return re.compile("|".join(parts)) if parts else None


class Abroad:
    """Finds the country a message asks about paying in, when it is not the mainland."""

    def __init__(self, kb: Knowledge) -> None:
        self.by_name: dict[str, Country] = {}
        mainland: list[str] = [
            n for region in kb.regions.values() for _, names in region.names.items() for n in names
        ]
        for country in kb.countries.values():
            names = [_fold(n) for _, group in country.names.items() for n in group]
            if country.kind == "mainland":
                mainland.extend(names)
            else:
                for name in names:
                    self.by_name.setdefault(name, country)
        self._where = _where_pattern(self.by_name)
        self._mainland = _named_pattern(_fold(n) for n in mainland)

    def find(self, text: str) -> Country | None:
        """The country outside the mainland where the message asks about paying; None when it is ours."""
        if self._where is None:
            return None
        folded = _fold(text)
        found = self._where.search(folded)
        if found is None or (self._mainland is not None and self._mainland.search(folded)):
            return None
        name = next(value for value in found.groupdict().values() if value)
        return self.by_name[name]
