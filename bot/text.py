"""Text normalisation and tokens for matching: NFKC, case, width, Traditional->Simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = r"\u3040-\u30ff\u31f0-\u31ff"
HANGUL_RANGE = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"  # for a character class
KATAKANA_RANGE = r"\u30a0-\u30ff\u31f0-\u31ff"  # for a character class
_CJK_RUN = re.compile(f"[{_HAN}{_KANA}]+")
_HANGUL_RUN = re.compile(f"[{HANGUL_RANGE}]+")
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_STRETCH = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_SPACES = re.compile(r"\s+")
HAN = re.compile(f"[{_HAN}]")
KANA = re.compile(f"[{_KANA}]")
HANGUL = re.compile(f"[{HANGUL_RANGE}]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_EN_SUFFIXES = ("ing", "ed", "es", "s")


def fold(text: str) -> str:
    """Width, case (Turkish "İ" to "i"), Traditional Chinese to Simplified, "ё" to "е"; punctuation stays."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u0307", "")
    if HAN.search(text):
        text = zhconv.convert(text, "zh-cn")
    return text.replace("ё", "е")


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Fold a message for matching: width, case, Traditional Chinese, punctuation, emoji, stretches."""
    text = fold(text).translate(_WORD_CHARS)
    text = _STRETCH.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


class _WordChars(dict[int, str]):
    """For str.translate: letters, digits, marks and the apostrophe stay; punctuation, symbols, emoji and
    controls become spaces. Each character is judged once (a per-character test took a fifth of loading);
    at most `limit` are remembered, so messages made of every code point cannot grow it without end."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, code: int) -> str:
        char = chr(code)
        mapped = char if unicodedata.category(char)[0] in "LNM" or char == "'" else " "
        if len(self) < self.limit:
            self[code] = mapped
        return mapped


_WORD_CHARS = _WordChars(limit=50_000)  # about 7 MB at most; the knowledge uses about 2,000


def is_cjk(text: str) -> bool:
    """True when the text has Han, Kana or Hangul characters."""
    return bool(HAN.search(text) or KANA.search(text) or HANGUL.search(text))


def stem(word: str) -> str:
    """A light stem so 'cards'/'card' and 'картой'/'карта' meet."""
    if CYRILLIC.search(word):
        return word[:5] if len(word) > 5 else word
    if len(word) > 4:
        for suffix in _EN_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


def words(normalized: str) -> list[str]:
    """Latin, Cyrillic and digit words of a normalised text (CJK runs excluded)."""
    out = []
    for word in _WORD.findall(_CJK_RUN.sub(" ", _HANGUL_RUN.sub(" ", normalized))):
        out.append(word.strip("'"))
    return [w for w in out if w]


def tokens(normalized: str) -> list[str]:
    """Matching features: stemmed words, plus characters and bigrams of CJK and Hangul runs."""
    out = [stem(word) for word in words(normalized)]
    for run in _CJK_RUN.findall(normalized) + _HANGUL_RUN.findall(normalized):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def compact(normalized: str) -> str:
    """The text without spaces, for substring matching of CJK names."""
    return normalized.replace(" ", "")
