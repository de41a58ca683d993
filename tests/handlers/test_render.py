"""Rendering: long answers split at paragraph boundaries, never inside an HTML entity."""

from __future__ import annotations

from handlers.render import LIMIT, escape, split_html


def test_short_text_is_one_chunk() -> None:
    assert split_html("a\n\nb") == ("a\n\nb",)


def test_long_text_splits_at_paragraphs() -> None:
    paragraphs = [f"{i} " + "x" * 1500 for i in range(6)]
    chunks = split_html("\n\n".join(paragraphs))
    assert all(len(c) <= LIMIT for c in chunks)
    assert "\n\n".join(chunks) == "\n\n".join(paragraphs)
    assert chunks[0] == "\n\n".join(paragraphs[:2])


def test_one_huge_word_is_cut_but_not_inside_an_entity() -> None:
    text = escape("&" * 3000)  # 15,000 characters of &amp;
    chunks = split_html(text)
    assert all(len(c) <= LIMIT for c in chunks)
    assert all(c.count("&") == c.count("&amp;") for c in chunks)
    assert "".join(chunks) == text


def test_empty_text_still_sends_something() -> None:
    assert split_html("   ") == ("…",)
