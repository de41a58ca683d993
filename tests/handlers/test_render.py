"""Rendering: long answers split at paragraph boundaries, never inside an HTML entity; keyboards built once per snapshot."""

from __future__ import annotations

import gc
import weakref

from bot.answer import Query
from handlers.render import LIMIT, escape, render, split_html


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


def test_a_reloaded_snapshot_gets_its_own_keyboards_and_the_old_one_is_let_go() -> None:
    from bot.engine import Engine
    from bot.settings import BUNDLED_KNOWLEDGE

    old, new = Engine.load(BUNDLED_KNOWLEDGE), Engine.load(BUNDLED_KNOWLEDGE)
    answer = old.answer(Query(text="where can I exchange money"))
    first = render(answer, old.responder.kb).keyboard
    gone = weakref.ref(old.responder.kb)
    assert render(answer, old.responder.kb).keyboard is first  # built once, reused
    del old
    second = render(answer, new.responder.kb).keyboard
    gc.collect()
    assert (second == first, second is first, gone()) == (True, False, None)
