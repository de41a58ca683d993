"""Generated knowledge for the benchmark: many places and FAQ topics, never written to knowledge/."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from types import MappingProxyType

from bot.knowledge import Knowledge
from bot.schema import Coords, Examples, Phrases, Place, Texts

_SYLLABLES = "an bai chang chun da feng guang hai hong jin kang lan long ming nan ping qing shan tai wu xin yan yong zhou".split()
_HAN = "安白长春大丰光海红金康兰龙明南平青山太吴新延永州"
_HANGUL = "안백장춘대풍광해홍금강란룡명남평청산태오신연영주"
_CYRILLIC = "ань бай чан чунь да фэн гуан хай хун цзинь кан лань лун мин нань пин цин шань тай у синь янь юн чжоу".split()
_KINDS = ("atm", "bank-branch", "exchange-counter", "mall", "hotel", "payment-service-center")
_SERVICES = {
    "atm": ("foreign-card-atm",),
    "bank-branch": ("simplified-account-opening", "currency-exchange", "change-pack"),
    "exchange-counter": ("currency-exchange",),
    "mall": (),
    "hotel": ("currency-exchange",),
    "payment-service-center": ("payment-service-center", "currency-exchange"),
}


def _name(rng: random.Random, number: int) -> dict[str, tuple[str, ...]]:
    """A made-up name in five scripts, unique by its number."""
    picks = [rng.randrange(len(_SYLLABLES)) for _ in range(3)]
    tag = str(number)
    return {
        "zh": ("".join(_HAN[i] for i in picks) + tag,),
        "en": (" ".join(_SYLLABLES[i] for i in picks).title() + f" {tag}",),
        "ko": ("".join(_HANGUL[i] for i in picks) + tag,),
        "ru": ("".join(_CYRILLIC[i] for i in picks).title() + f" {tag}",),
        "ja": ("".join(_HAN[i] for i in picks) + tag,),
    }


def with_generated(kb: Knowledge, places: int = 0, topics: int = 0, seed: int = 1) -> Knowledge:
    """The bundled knowledge plus `places` generated places and enough topics to reach `topics`."""
    rng = random.Random(seed)
    city = next(r.id for r in kb.regions.values() if r.kind == "city")
    summary = Texts(
        zh="生成的测试地点",
        en="Generated test place",
        ko="생성된 테스트 장소",
        ru="Тестовое место",
        ja="生成したテスト地点",
    )
    new_places = dict(kb.places)
    for number in range(places):
        kind = rng.choice(_KINDS)
        new_places[f"gen-{number}"] = Place.model_construct(
            id=f"gen-{number}",
            kind=kind,
            city=city,
            status="planned",
            parent=None,
            coords=Coords.model_construct(
                lat=rng.uniform(20.0, 50.0), lon=rng.uniform(100.0, 130.0)
            ),
            names=Phrases.model_construct(_fields_set=None, **_name(rng, number)),
            accepts=("foreign-cards", "cash"),
            services=_SERVICES[kind],
            summary=summary,
            source="generated",
            as_of=date(2026, 1, 1),
        )
    new_topics = dict(kb.topics)
    templates = list(kb.topics.values())
    for number in range(max(0, topics - len(kb.topics))):
        base = templates[number % len(templates)]
        tag = f"q{number}"
        examples = Examples.model_construct(
            _fields_set=None,
            **{
                lang: tuple(f"{e} {tag}" for e in phrases)
                for lang, phrases in base.examples.items()
            },
        )
        new_topics[f"gen-topic-{number}"] = base.model_copy(
            update={"id": f"gen-topic-{number}", "examples": examples, "related": ()}
        )
    return replace(kb, places=MappingProxyType(new_places), topics=MappingProxyType(new_topics))
