"""Normalisation for matching: NFKC, case, width, Traditional -> Simplified, punctuation, emoji, stretched letters."""

from __future__ import annotations

import pytest

from bot.text import _WordChars, normalize, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＴＭ　ＶＩＳＡ", "atm visa"),  # full width
        ("Where can I EXCHANGE money???", "where can i exchange money"),
        ("哪裡可以換錢", "哪里可以换钱"),  # Traditional -> Simplified
        ("pleeeease help 🙏🙏", "please help"),  # stretched letters, emoji
        ("ﾊﾟｽﾎﾟｰﾄ", "パスポート"),  # half-width kana
        ("Ёлка, обмен!", "елка обмен"),
        ("  <b>visa</b> & *_[] ", "b visa b"),
        (
            "ไทย ภาษา? don't—café №5",
            "ไทย ภาษา don't café no5",
        ),  # marks and apostrophes stay, dashes go
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_cjk_is_compared_by_characters_and_bigrams() -> None:
    assert tokens("换钱") == ["换", "钱", "换钱"]
    assert tokens("환전 어디") == ["환", "전", "환전", "어", "디", "어디"]


def test_the_character_table_stops_growing_at_its_limit_and_still_judges_every_character() -> None:
    table = _WordChars(limit=2)
    assert "a!b?c".translate(table) == "a b c"
    assert len(table) == 2
