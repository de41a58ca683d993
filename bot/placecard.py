"""One place's answer: what was asked about it (yes / planned / unknown) first, then everything its
record says (where it is, contact lines only when sourced, what it takes and offers, its source), and the
map search and the card for a local."""

from __future__ import annotations

from collections import defaultdict

from bot.answer import Answer
from bot.knowledge import Knowledge
from bot.schema import NeedEntry, Place
from bot.shape import with_note
from bot.where import Where


class PlaceCards:
    """Builds place answers from one knowledge snapshot."""

    def __init__(self, kb: Knowledge, where: Where) -> None:
        self.kb = kb
        self.where = where
        self.children: dict[str, list[Place]] = defaultdict(list)  # the places inside each place
        for place in kb.places.values():
            if place.parent:
                self.children[place.parent].append(place)

    def answer(
        self,
        place_id: str,
        lang: str,
        confidence: float = 1.0,
        topic: str | None = None,
        detected: str = "",
        needs: tuple[NeedEntry, ...] = (),
    ) -> Answer:
        """What was asked about one place (yes / planned / unknown) first, then everything its record says."""
        place = self.kb.places[place_id]
        kb = self.kb
        verdicts = self.where.verdicts(place, needs, lang)
        lines = [*verdicts, ""] if verdicts else []
        lines += [
            f"{place.names.first(lang)} · {kb.text('kind.' + place.kind, lang)}",
            self._where(place, lang),
            *self._contact(place, lang),
            "",
            kb.text(
                "place_status_checked" if place.status == "checked" else "place_status_planned",
                lang,
            ),
            place.summary.get(lang),
        ]
        if place.accepts:
            items = ", ".join(kb.text("accept." + a, lang) for a in place.accepts)
            lines.append(kb.text("place_accepts", lang, items=items))
        if place.services:
            items = ", ".join(kb.text("service." + s, lang) for s in place.services)
            lines.append(kb.text("place_services", lang, items=items))
        if place.parent:
            lines.append(
                kb.text("place_parent", lang, name=kb.places[place.parent].names.first(lang))
            )
        children = self.children.get(place.id, [])
        if children:
            lines.append(
                kb.text(
                    "place_inside", lang, items=", ".join(c.names.first(lang) for c in children)
                )
            )
        lines += [
            "",
            kb.text("place_source", lang, source=place.source, date=place.as_of.isoformat()),
            kb.text("place_check", lang),
        ]
        links, card, extra = self.where.place_links(place, needs[0] if needs else None, lang)
        lines += extra
        related = tuple(
            dict.fromkeys(
                ([topic] if topic else []) + ["payment-service-center", "card-acceptance"]
            )
        )
        return Answer(
            kind="place",
            lang=lang,
            text=with_note(kb, "\n".join(lines), detected),
            places=(place.id,) + tuple(c.id for c in children),
            confidence=round(min(1.0, confidence), 3),
            related=related,
            detected=detected or lang,
            links=links,
            show_local=card,
        )

    def _contact(self, place: Place, lang: str) -> list[str]:
        """Address, phone and hours, each only when the record's source gives it."""
        kb = self.kb
        lines = [kb.text("place_address", lang, address=place.address)] if place.address else []
        lines += [kb.text("place_phone", lang, phone=place.phone)] if place.phone else []
        lines += [kb.text("place_hours", lang, hours=place.hours)] if place.hours else []
        return lines

    def _where(self, place: Place, lang: str) -> str:
        city = self.kb.regions[place.city]
        province = self.kb.regions[city.province] if city.province else None
        return self.kb.text(
            "place_where",
            lang,
            city=city.names.first(lang),
            province=province.names.first(lang) if province else "",
        )
