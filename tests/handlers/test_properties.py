"""Property-based: whatever the text, the core answers and Telegram receives valid HTML under 4096 characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Query
from bot.engine import Engine
from bot.language import SUPPORTED
from bot.settings import BUNDLED_KNOWLEDGE
from handlers.render import render
from tests.telegram_helpers import valid_telegram_html

ENGINE = Engine.load(BUNDLED_KNOWLEDGE)
KINDS = {"faq", "place", "clarify", "greeting", "thanks", "handoff", "fallback"}
any_text = st.text(max_size=5000) | st.text(
    alphabet=st.sampled_from(list("<>&'\"*_[]`\u200b\u202e換钱환전обменATMvisa 😀\n")), max_size=300
)
hints = st.sampled_from([None, "en", "zh-hans", "ko", "ru", "ja", "de", "", "xx-YY"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, hint=hints, elder=st.booleans())
def test_any_text_gets_a_well_formed_answer(text: str, hint: str | None, elder: bool) -> None:
    answer = ENGINE.answer(Query(text=text, hint=hint, elder=elder))
    assert answer.kind in KINDS
    assert answer.lang in SUPPORTED
    assert answer.text.strip()
    assert 0.0 <= answer.confidence <= 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, hint=hints)
def test_what_telegram_receives_is_valid_html_under_4096(text: str, hint: str | None) -> None:
    answer = ENGINE.answer(Query(text=text, hint=hint))
    huge = answer.model_copy(
        update={"text": answer.text + "\n\n" + text * 3}
    )  # rendering must cope with any length
    for candidate in (answer, huge):
        reply = render(candidate, ENGINE.responder.kb)
        assert reply.chunks and all(valid_telegram_html(chunk) for chunk in reply.chunks)


@settings(max_examples=100, deadline=None)
@given(lat=st.floats(min_value=-90, max_value=90), lon=st.floats(min_value=-180, max_value=180))
def test_any_location_gets_a_nearby_answer(lat: float, lon: float) -> None:
    answer = ENGINE.answer(Query(lat=lat, lon=lon))
    assert answer.kind == "nearby" and answer.text.strip()
