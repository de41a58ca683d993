"""Normalisation for matching: NFKC, case, width, Traditional -> Simplified, punctuation, emoji, stretched letters."""

from __future__ import annotations

import pytest

from bot.text import normalize, tokens


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
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_cjk_is_compared_by_characters_and_bigrams() -> None:
    assert tokens("换钱") == ["换", "钱", "换钱"]
    assert tokens("환전 어디") == ["환", "전", "환전", "어", "디", "어디"]
