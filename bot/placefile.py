"""Operators' ledgers (台账) in and out: `kb import-places FILE` and `kb export-places`.

Import reads CSV (UTF-8, with or without the BOM Excel and WPS write) or GeoJSON (an OpenStreetMap
export: amenity=atm|bank|bureau_de_change with payment:* and currency:* tags), checks every row
against the place schema and the knowledge it joins, and writes one place file only when no row
has an error. Export writes every place in the same columns, so export -> edit -> import round-trips.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import yaml
from pydantic import ValidationError

from bot.contract import LANGUAGES
from bot.geo import in_china
from bot.knowledge import Knowledge, require_knowledge
from bot.schema import FOREIGN_CARDS, Place
from bot.text import compact, normalize

LIST_SEP = ";"  # several values in one cell: aliases, accepts, services
COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "city",
    "status",
    *(f"name_{lang}" for lang in LANGUAGES),
    "lat",
    "lon",
    "accepts",
    "services",
    "address",
    "phone",
    "hours",
    "parent",
    *(f"summary_{lang}" for lang in LANGUAGES),
    "source",
    "as_of",
)
OSM_KINDS = {"atm": "atm", "bank": "bank-branch", "bureau_de_change": "exchange-counter"}
OSM_PAYMENTS = {  # payment:<key>=yes -> accepts
    "visa": "visa",
    "mastercard": "mastercard",
    "jcb": "jcb",
    "american_express": "amex",
    "diners_club": "diners",
    "discover_card": "discover",
    "unionpay": "unionpay",
    "alipay": "alipay",
    "wechat": "wechat-pay",
    "wechat_pay": "wechat-pay",
    "cash": "cash",
    "coins": "cash",
    "notes": "cash",
}


@dataclass(frozen=True)
class RowError:
    """One problem, printed as FILE:row:column: message."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class ImportFailed(Exception):
    """The file has errors; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


Row = dict[str, str]


def read_rows(path: Path) -> list[tuple[int, Row]]:
    """(row number, cells) of a CSV or GeoJSON file; raises ImportFailed when the file itself is unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [RowError(path.name, 1, "file", f"not UTF-8 text ({exc.reason})")]
        ) from None
    if path.suffix.lower() in (".geojson", ".json"):
        return list(_geojson_rows(path.name, text))
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "kind", "city", "name_zh") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([RowError(path.name, 1, c, "column is missing") for c in missing])
    unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
    if unknown:
        raise ImportFailed(
            [
                RowError(path.name, 1, c, f"unknown column (columns: {', '.join(COLUMNS)})")
                for c in unknown
            ]
        )
    return [
        (number, {k: (v or "").strip() for k, v in row.items() if k})
        for number, row in enumerate(reader, start=2)
    ]


def _geojson_rows(name: str, text: str) -> Iterator[tuple[int, Row]]:
    """OpenStreetMap features as rows; the feature's position (1 = first) is its row number."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed([RowError(name, exc.lineno, "file", f"not JSON ({exc.msg})")]) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ImportFailed([RowError(name, 1, "features", "a GeoJSON FeatureCollection is needed")])
    stamp = str(data.get("timestamp", ""))[:10]
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        for column, value in (("properties", props), ("geometry", geometry)):
            if value is not None and not isinstance(value, dict):
                raise ImportFailed([RowError(name, number, column, "must be a JSON object")])
        yield number, _osm_row(props or {}, geometry or {}, stamp)


def _osm_row(props: dict[str, Any], geometry: dict[str, Any], stamp: str) -> Row:
    """One OSM feature in the CSV's columns (the checks come later, the same for both formats)."""
    tags = {str(k): str(v) for k, v in props.items()}
    osm_id = tags.get("@id") or tags.get("id") or ""
    accepts = sorted(
        {value for key, value in OSM_PAYMENTS.items() if tags.get(f"payment:{key}") == "yes"}
    )
    kind = OSM_KINDS.get(tags.get("amenity", ""), tags.get("amenity", ""))
    services: list[str] = []
    if kind == "exchange-counter" or any(
        k.startswith("currency:") and v == "yes" and k != "currency:CNY" for k, v in tags.items()
    ):
        services.append("currency-exchange")
    if kind == "atm" and FOREIGN_CARDS.intersection(accepts):
        services.append("foreign-card-atm")
    point = geometry.get("coordinates") if geometry.get("type") == "Point" else None
    names = {lang: tags.get(f"name:{lang}", "") for lang in LANGUAGES}
    names["zh"] = names["zh"] or tags.get("name", "")
    return {
        "id": "osm-" + osm_id.replace("/", "-") if osm_id else "",
        "kind": kind,
        "city": tags.get("payhelp:city", "") or tags.get("addr:city", ""),
        "status": "checked",
        **{f"name_{lang}": value for lang, value in names.items()},
        "lat": str(point[1]) if isinstance(point, list) and len(point) == 2 else "",
        "lon": str(point[0]) if isinstance(point, list) and len(point) == 2 else "",
        "accepts": LIST_SEP.join(accepts),
        "services": LIST_SEP.join(services),
        "address": " ".join(
            tags[k] for k in ("addr:city", "addr:street", "addr:housenumber") if tags.get(k)
        ),
        "phone": tags.get("phone", ""),
        "hours": tags.get("opening_hours", ""),
        "source": f"OpenStreetMap {osm_id} (© OpenStreetMap contributors, ODbL)",
        "as_of": (tags.get("check_date") or tags.get("survey:date") or stamp)[:10],
    }


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEP) if part.strip()]


def to_record(row: Row, kb: Knowledge) -> dict[str, Any]:
    """A row as a place record (plain data, ready for the schema and for YAML)."""
    names_zh = _split(row.get("name_zh", ""))
    names_en = _split(row.get("name_en", "")) or names_zh
    names = {"zh": names_zh, "en": names_en}
    for lang in ("ko", "ru", "ja"):
        names[lang] = _split(row.get(f"name_{lang}", "")) or names_en
    source = row.get("source", "")
    summary = {
        lang: row.get(f"summary_{lang}", "") or kb.text("place_imported", lang, source=source)
        for lang in LANGUAGES
    }
    record: dict[str, Any] = {
        "id": row.get("id", ""),
        "kind": row.get("kind", ""),
        "city": _city_id(row.get("city", ""), kb),
        "status": row.get("status", ""),
    }
    if row.get("parent"):
        record["parent"] = row["parent"]
    if row.get("lat") or row.get("lon"):
        record["coords"] = {"lat": row.get("lat", ""), "lon": row.get("lon", "")}
    record["names"] = names
    record["accepts"] = _split(row.get("accepts", ""))
    record["services"] = _split(row.get("services", ""))
    for field in ("address", "phone", "hours"):
        if row.get(field):
            record[field] = row[field]
    record.update(summary=summary, source=source, as_of=row.get("as_of", ""))
    return record


def _city_id(cell: str, kb: Knowledge) -> str:
    """A city by its id or any of its names ("延吉市", "Yanji"); the cell unchanged when none fits."""
    wanted = compact(normalize(cell))
    for region in kb.regions.values():
        if region.kind != "city":
            continue
        if cell == region.id or any(
            compact(normalize(n)) == wanted for _, names in region.names.items() for n in names
        ):
            return region.id
    for region in kb.regions.values():  # "延吉市朝阳川镇": a name the cell starts with
        if region.kind == "city" and any(
            wanted.startswith(compact(normalize(n)))
            for n in region.names.zh
            if len(compact(normalize(n))) >= 2
        ):
            return region.id
    return cell


def _column(loc: tuple[Any, ...]) -> str:
    """The CSV column a schema error is about."""
    head = str(loc[0]) if loc else "row"
    if head in ("names", "summary") and len(loc) > 1:
        return f"{'name' if head == 'names' else 'summary'}_{loc[1]}"
    if head == "coords" and len(loc) > 1:
        return str(loc[1])
    return head


def check_rows(
    name: str, rows: Iterable[tuple[int, Row]], kb: Knowledge, replacing: Path | None
) -> tuple[list[Place], list[RowError]]:
    """Every row through the schema and against the knowledge; all errors, not just the first."""
    places: list[Place] = []
    errors: list[RowError] = []
    replaced = _ids_in(replacing) if replacing is not None else set()
    taken = {p.id for p in kb.places.values() if p.id not in replaced}
    seen: dict[str, int] = {}
    rows = list(rows)
    ids_here = {row.get("id", "") for _, row in rows}
    for number, row in rows:
        record = to_record(row, kb)
        city = kb.regions.get(record["city"])
        if city is None or city.kind != "city":
            errors.append(
                RowError(name, number, "city", f"no city {row.get('city', '')!r} in regions.yaml")
            )
        try:
            place = Place.model_validate(record)
        except ValidationError as exc:
            columns = [_column(tuple(error["loc"])) for error in exc.errors()]
            for column, error in zip(columns, exc.errors(), strict=True):
                if column.startswith("name_") and column != "name_zh" and "name_zh" in columns:
                    continue  # other languages default to the Chinese name: one error is enough
                errors.append(RowError(name, number, column, error["msg"]))
            continue
        if place.id in seen:
            errors.append(
                RowError(name, number, "id", f"{place.id!r} is also on row {seen[place.id]}")
            )
        elif place.id in taken:
            errors.append(
                RowError(name, number, "id", f"{place.id!r} is already a place in the knowledge")
            )
        seen.setdefault(place.id, number)
        if place.parent and place.parent not in kb.places and place.parent not in ids_here:
            errors.append(RowError(name, number, "parent", f"no place {place.parent!r}"))
        if place.coords and not in_china(place.coords.lat, place.coords.lon):
            errors.append(RowError(name, number, "lat", "the point is outside China"))
        places.append(place)
    if not rows:
        errors.append(RowError(name, 1, "file", "no rows"))
    return places, errors


def _ids_in(path: Path) -> set[str]:
    """The place ids a file defines now (importing into that file again replaces them)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError):
        return set()
    return (
        {str(e["id"]) for e in data if isinstance(e, dict) and "id" in e}
        if isinstance(data, list)
        else set()
    )


def import_places(source: Path, kb: Knowledge, out: Path) -> list[Place]:
    """Validate `source` and write its places to `out`; ImportFailed (and nothing written) on any error."""
    rows = read_rows(source)
    places, errors = check_rows(source.name, rows, kb, out if out.exists() else None)
    if errors:
        raise ImportFailed(errors)
    data = [_plain(p) for p in places]
    header = f"# Imported from {source.name} by `python -m bot kb import-places` on {date.today().isoformat()}.\n"
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
    return places


def _plain(place: Place) -> dict[str, Any]:
    """A place as YAML-ready data, leaving out empty optional fields."""
    data = place.model_dump(mode="python", exclude_none=True)
    data["names"] = {lang: list(names) for lang, names in place.names.items()}
    for key in ("accepts", "services"):
        data[key] = list(data[key])
    return data


def export_csv(kb: Knowledge) -> str:
    """Every place as CSV in the columns import reads, `id` first; UTF-8 with a BOM so Excel opens it right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for place in sorted(kb.places.values(), key=lambda p: p.id):
        row: Row = {
            "id": place.id,
            "kind": place.kind,
            "city": place.city,
            "status": place.status,
            "lat": str(place.coords.lat) if place.coords else "",
            "lon": str(place.coords.lon) if place.coords else "",
            "accepts": LIST_SEP.join(place.accepts),
            "services": LIST_SEP.join(place.services),
            "address": place.address or "",
            "phone": place.phone or "",
            "hours": place.hours or "",
            "parent": place.parent or "",
            "source": place.source,
            "as_of": place.as_of.isoformat(),
        }
        for lang in LANGUAGES:
            row[f"name_{lang}"] = LIST_SEP.join(place.names.get(lang))
            row[f"summary_{lang}"] = place.summary.get(lang)
        writer.writerow(row)
    return "\ufeff" + out.getvalue()


def run_import(root: Path, file: str, out: str | None, stdout: IO[str]) -> int:
    """`kb import-places`: write the ledger's places, or list every row error on stderr and write nothing."""
    source = Path(file)
    if not source.is_file():
        sys.stderr.write(f"payhelp: {source}: no such file\n")
        return 2
    target = Path(out) if out else root / "places" / f"{source.stem}.yaml"
    try:
        places = import_places(source, require_knowledge(root), target)
    except ImportFailed as exc:
        for error in exc.errors:
            sys.stderr.write(f"{error}\n")
        sys.stderr.write(f"payhelp: {len(exc.errors)} error(s); nothing was written\n")
        return 1
    stdout.write(f"{len(places)} place(s) written to {target}\n")
    return 0


def run_export(root: Path, out: str | None, stdout: IO[str]) -> int:
    """`kb export-places`: every place as CSV, to `out` or stdout."""
    data = export_csv(require_knowledge(root))
    if out:
        Path(out).write_text(data, encoding="utf-8", newline="")
        stdout.write(f"{data.count(chr(10)) - 1} place(s) written to {out}\n")
    else:
        stdout.write(data.removeprefix("\ufeff"))
    return 0
