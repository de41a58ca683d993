""" "Where" questions and yes/no questions about a place: needs, honest nearby lists, map links and cards.

A need (ATM, exchange, cards ...) is read from the words of knowledge/needs.yaml. A record is only
ever "checked" or "planned", and the two are worded differently; beyond NEAR_M nothing is called near.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.answer import Answer, Link, Want
from bot.geo import GridIndex, in_china
from bot.knowledge import Knowledge
from bot.maplinks import search_links
from bot.places import _Names
from bot.schema import NeedEntry, Place
from bot.text import compact, normalize, words

# 10 km: a taxi ride across a Chinese city centre. Airports lie 20-35 km out (Changchun Longjia is 32 km
# from the centre), so a record farther than this is not "near": the map search around the user is.
NEAR_M = 10_000.0
SEARCH_M = 100_000.0  # beyond this a record is not worth naming at all
# With nothing asked for, a bank branch is where ATMs, exchange and accounts are.
NO_WANT_NEED = "bank"


@dataclass(frozen=True)
class Asked:
    """What a message asks about: its needs (in the order of needs.yaml), a city, and whether it asks "where"."""

    needs: tuple[NeedEntry, ...]
    city: str | None
    where: bool


class Where:
    """Reads needs and cities in messages and builds the place parts of answers."""

    def __init__(self, kb: Knowledge, region_names: _Names) -> None:
        self.kb = kb
        self.cities = region_names
        needs = kb.needs.needs if kb.needs else ()
        self.needs: dict[str, NeedEntry] = {n.id: n for n in needs}
        self.by_topic = {topic: n for n in needs for topic in n.topics}
        self.by_want = {n.want: n for n in needs if n.want}
        self.need_words = _Names((n.id, w) for n in needs for _, ws in n.words.items() for w in ws)
        where = kb.needs.where.items() if kb.needs else []
        self.where_words = _Names(("where", w) for _, ws in where for w in ws)
        self.by_city: dict[str, list[Place]] = defaultdict(
            list
        )  # a city question reads one city's places
        for place in kb.places.values():
            self.by_city[place.city].append(place)
        located = [(p, p.coords) for p in kb.places.values() if p.coords]
        # What a nearby search for a want lists: the records that meet its need, as a yes/no answer reads them.
        self.grids: dict[Want | None, GridIndex] = {
            want: GridIndex((p.id, c.lat, c.lon) for p, c in located if self.meets(p, need))
            for want, need in self.by_want.items()
        }
        self.grids[None] = GridIndex((p.id, c.lat, c.lon) for p, c in located)  # nothing asked for

    def read(self, text: str) -> Asked:
        """The needs, the city and the "where" of a message."""
        query = normalize(text)
        squeezed, tokens = compact(query), words(query)
        found = self.need_words.found(squeezed, tokens)
        cities = [
            c
            for c in self.cities.found(squeezed, tokens)
            if c in self.kb.regions and self.kb.regions[c].kind == "city"
        ]
        return Asked(
            needs=tuple(n for n in self.needs.values() if n.id in found),
            city=sorted(cities)[0] if len(cities) == 1 else None,
            where=bool(self.where_words.found(squeezed, tokens)),
        )

    def need_of(self, want: Want | None) -> NeedEntry | None:
        """The need behind a nearby search (a bank branch when nothing was asked for)."""
        return self.by_want.get(want) if want is not None else self.needs.get(NO_WANT_NEED)

    # ------------------------------------------------------------------ the parts every where-answer has
    def extras(
        self,
        need: NeedEntry | None,
        lang: str,
        point: tuple[float, float] | None = None,
        city: str | None = None,
    ) -> tuple[tuple[Link, ...], str | None, list[str]]:
        """Map links, the card for a local, and the text lines that show both."""
        if need is None:
            return (), None, []
        region = self.kb.regions.get(city) if city else None
        city_zh = region.names.first("zh") if region else None
        links = search_links(self.kb, lang, need.search, point, city_zh)
        lines = ["", *(link_line(link) for link in links)]
        lines += ["", self.kb.text("local_title", lang), need.local]
        if lang != "zh":
            lines.append(f"({need.meaning.get(lang)})")
        return links, need.local, lines

    def with_extras(
        self, answer: Answer, need: NeedEntry | None, prompt: str | None = None
    ) -> Answer:
        """An FAQ answer to a "where" question: the prompt to share a location, map links and the card."""
        links, card, lines = self.extras(need, answer.lang)
        head = [prompt, ""] if prompt else []
        text = "\n".join([*head, answer.text.rstrip(), *lines])
        return answer.model_copy(
            update={
                "text": text,
                "links": links,
                "show_local": card,
                "want": need.want if need else None,
            }
        )

    # ------------------------------------------------------------------ lists of places
    def status_line(self, place: Place, lang: str) -> str:
        """What a place offers, worded as a source's fact or as the plan's promise."""
        items = [self.kb.text("service." + s, lang) for s in place.services]
        items += [self.kb.text("accept." + a, lang) for a in place.accepts]
        if not items:
            return ""
        return self.kb.text(
            "nearby_checked" if place.status == "checked" else "nearby_planned",
            lang,
            items=", ".join(items),
        )

    def listed(self, rows: list[tuple[Place, str]], lang: str) -> list[str]:
        """Numbered places with a distance or a city, each with its checked/planned line."""
        lines: list[str] = []
        for number, (place, where) in enumerate(rows, start=1):
            lines.append(f"{number}. {place.names.first(lang)} — {where}")
            status = self.status_line(place, lang)
            if status:
                lines.append(f"   {status}")
        return lines

    def distance(self, metres: float, lang: str) -> str:
        """A distance in the user's words: metres to the nearest ten below 1 km, else km."""
        if metres < 1000:
            return self.kb.text("unit_m", lang, m=int(round(metres, -1)))
        return self.kb.text("unit_km", lang, km=f"{metres / 1000:.1f}")

    def nearby(
        self,
        lat: float,
        lon: float,
        want: Want | None,
        lang: str,
        k: int = 5,
    ) -> Answer:
        """Places near a shared point: near ones listed, a far one named with its distance, and what works instead."""
        if not in_china(lat, lon):
            return Answer(
                kind="nearby",
                lang=lang,
                text=self.kb.text("nearby_outside", lang),
                near=(lat, lon),
                want=want,
                detected=lang,
            )
        service = self.kb.text(f"want.{want}", lang) if want else self.kb.text("nearby_any", lang)
        need = self.need_of(want)
        links, card, extra = self.extras(need, lang, point=(lat, lon))
        grid = self.grids.get(want, self.grids[None])  # no needs.yaml: any record
        found = grid.nearest(lat, lon, k=k, max_m=SEARCH_M)
        near = [(pid, d) for pid, d in found if d <= NEAR_M]
        if near:
            rows = [(self.kb.places[pid], self.distance(d, lang)) for pid, d in near]
            lines = [self.kb.text("nearby_title", lang, service=service), *self.listed(rows, lang)]
            lines += ["", self.kb.text("place_check", lang)]
            shown = near
        elif found:
            pid, metres = found[0]
            place = self.kb.places[pid]
            lines = [
                self.kb.text(
                    "nearby_far",
                    lang,
                    service=service,
                    name=place.names.first(lang),
                    distance=self.distance(metres, lang),
                )
            ]
            status = self.status_line(place, lang)
            lines += [f"   {status}"] if status else []
            lines += ["", self.kb.text("nearby_instead", lang)]
            shown = found[:1]
        else:
            lines = [self.kb.text("nearby_none", lang, service=service)]
            shown = []
        return Answer(
            kind="nearby",
            lang=lang,
            text="\n".join(lines + extra),
            places=tuple(pid for pid, _ in shown),
            distances_m=tuple(int(round(d)) for _, d in shown),
            near=(lat, lon),
            confidence=1.0 if near else 0.0,
            want=want,
            detected=lang,
            links=links,
            show_local=card,
        )

    def in_city(
        self,
        city: str,
        need: NeedEntry,
        lang: str,
        topic: str | None,
        confidence: float,
        detected: str,
    ) -> Answer:
        """ "ATM in Yanji": the records of that city that meet the need, then the map search of the city."""
        name = self.kb.regions[city].names.first(lang)
        service = need.label.get(lang)
        places = [p for p in self.by_city.get(city, ()) if self.meets(p, need)]
        places.sort(key=lambda p: (p.status != "checked", p.id))
        links, card, extra = self.extras(need, lang, city=city)
        lines: list[str] = []
        if places:
            lines = [self.kb.text("city_title", lang, service=service, city=name)]
            lines += self.listed([(p, self._kind(p, lang)) for p in places], lang) + [""]
        if not any(p.status == "checked" for p in places):
            lines.append(self.kb.text("city_none", lang, service=service, city=name))
        return Answer(
            kind="nearby",
            lang=lang,
            text="\n".join(lines + extra),
            topic=topic,
            places=tuple(p.id for p in places),
            confidence=round(min(1.0, confidence), 3),
            related=(topic,) if topic else (),
            want=need.want,
            detected=detected or lang,
            links=links,
            show_local=card,
        )

    def _kind(self, place: Place, lang: str) -> str:
        return self.kb.text("kind." + place.kind, lang)

    # ------------------------------------------------------------------ yes/no about one place
    @staticmethod
    def meets(place: Place, need: NeedEntry) -> bool:
        """The record lists something that meets the need."""
        return bool(
            set(need.accepts) & set(place.accepts) or set(need.services) & set(place.services)
        )

    def verdicts(self, place: Place, needs: tuple[NeedEntry, ...], lang: str) -> list[str]:
        """One yes / planned / unknown line per need asked about, from the record alone."""
        lines: list[str] = []
        name = place.names.first(lang)
        for need in needs[:3]:
            offered = [a for a in place.accepts if a in need.accepts]
            offered_services = [s for s in place.services if s in need.services]
            items = [self.kb.text("accept." + a, lang) for a in offered]
            items += [self.kb.text("service." + s, lang) for s in offered_services]
            what = ", ".join(items) if items else need.label.get(lang)
            if not items:
                lines.append(self.kb.text("verdict_unknown", lang, name=name, what=what))
            elif place.status == "checked":
                lines.append(self.kb.text("verdict_yes", lang, name=name, what=what))
            else:
                lines.append(self.kb.text("verdict_planned", lang, name=name, what=what))
            if need.note and not need.note.left_out_at(place.accepts):
                lines.append(self.kb.text(need.note.text, lang))
        return lines

    def place_links(
        self, place: Place, need: NeedEntry | None, lang: str
    ) -> tuple[tuple[Link, ...], str | None, list[str]]:
        """Map search at a place (its sourced point, else its city) for the need, or for the place itself."""
        point = (place.coords.lat, place.coords.lon) if place.coords else None
        city_zh = self.kb.regions[place.city].names.first("zh")
        keyword = need.search if need else place.names.first("zh")
        links = search_links(self.kb, lang, keyword, point, city_zh if point is None else None)
        lines = ["", *(link_line(link) for link in links)]
        card = need.local if need else None
        if need:
            lines += ["", self.kb.text("local_title", lang), need.local]
            if lang != "zh":
                lines.append(f"({need.meaning.get(lang)})")
        return links, card, lines


def link_line(link: Link) -> str:
    """A link as one line of text; Telegram turns exactly these lines into buttons."""
    return f"🗺 {link.label}: {link.url}"


def local_cards(kb: Knowledge, lang: str) -> list[tuple[str, str]]:
    """Every card for a local, with its meaning in `lang`: the menu's list."""
    needs = kb.needs.needs if kb.needs else ()
    return [(n.local, n.meaning.get(lang)) for n in needs]


def cards_text(kb: Knowledge, lang: str) -> str:
    """The cards as plain text, for the terminal's /local."""
    parts = [kb.text("local_menu", lang)]
    for card, meaning in local_cards(kb, lang):
        parts.append(card if lang == "zh" else f"{card}\n({meaning})")
    return "\n\n".join(parts)
