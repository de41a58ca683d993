"""kb import-places and kb export-places: ledgers in and out, every error located, nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.knowledge import require_knowledge
from tests.helpers import run_cli

HEADER = "id,kind,city,status,name_zh,name_en,lat,lon,accepts,services,phone,source,as_of\n"
ROW = (
    "yanji-test-atm,atm,延吉市,checked,测试ATM,Test ATM,42.9,129.5,visa;unionpay,foreign-card-atm,"
    "0433-0000000,Operator ledger 2026-11,2026-11-30\n"
)


@pytest.fixture
def kb_dir(kb_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(kb_copy))
    return kb_copy


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_csv_with_or_without_bom_becomes_a_place_file_kb_check_accepts(
    kb_dir: Path, tmp_path: Path, bom: str
) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(bom + HEADER + ROW, encoding="utf-8")
    code, out = run_cli("kb", "import-places", str(ledger))
    written = kb_dir / "places" / "ledger.yaml"
    assert (code, out) == (0, f"1 place(s) written to {written}\n")
    assert run_cli("kb", "check")[0] == 0
    place = require_knowledge(kb_dir).places["yanji-test-atm"]
    assert (place.city, place.status, place.accepts, place.services, place.phone) == (
        "yanji",
        "checked",
        ("visa", "unionpay"),
        ("foreign-card-atm",),
        "0433-0000000",
    )
    assert place.names.ko == ("Test ATM",)  # a missing language shows the English name


def test_every_row_error_is_located_and_nothing_is_written(
    kb_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "bad.csv"
    ledger.write_text(
        HEADER
        + ROW
        + "Bad Id,atmm,atlantis,maybe,名,Name,95,10,visa,,,src,2026-01-01\n"
        + ROW.replace("42.9,129.5", "42.9,129.5"),
        encoding="utf-8",
    )
    code, out = run_cli("kb", "import-places", str(ledger))
    assert (code, out) == (1, "")
    assert capsys.readouterr().err.splitlines() == [
        "bad.csv:3:city: no city 'atlantis' in regions.yaml",
        "bad.csv:3:id: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'",
        "bad.csv:3:kind: Input should be 'airport', 'railway-station', 'scenic-spot', 'district', "
        "'hotel', 'hospital', 'mall', 'bank-branch', 'atm', 'exchange-counter' or 'payment-service-center'",
        "bad.csv:3:status: Input should be 'checked' or 'planned'",
        "bad.csv:3:lat: Input should be less than or equal to 90",
        "bad.csv:4:id: 'yanji-test-atm' is also on row 2",
        "payhelp: 6 error(s); nothing was written",
    ]
    assert not (kb_dir / "places" / "bad.yaml").exists()


def test_an_osm_geojson_export_is_read(kb_dir: Path, tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {
            "@id": "node/123",
            "amenity": "atm",
            "name": "中国银行ATM",
            "name:en": "Bank of China ATM",
            "addr:city": "延吉市",
            "payment:visa": "yes",
            "payment:mastercard": "yes",
            "currency:KRW": "yes",
            "check_date": "2026-10-01",
        },
        "geometry": {"type": "Point", "coordinates": [129.51, 42.89]},
    }
    export = tmp_path / "osm-yanji.geojson"
    export.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    out = tmp_path / "elsewhere.yaml"
    code, _ = run_cli("kb", "import-places", str(export), "--out", str(out))
    [record] = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert (code, record["id"], record["kind"], record["city"], record["status"]) == (
        0,
        "osm-node-123",
        "atm",
        "yanji",
        "checked",
    )
    assert (record["accepts"], record["services"], record["coords"], str(record["as_of"])) == (
        ["mastercard", "visa"],
        ["currency-exchange", "foreign-card-atm"],
        {"lat": 42.89, "lon": 129.51},
        "2026-10-01",
    )
    assert record["source"] == "OpenStreetMap node/123 (© OpenStreetMap contributors, ODbL)"


def test_export_then_import_is_a_round_trip(kb_dir: Path, tmp_path: Path) -> None:
    (kb_dir / "places" / "sourced-facilities.yaml").unlink()  # one place file: import replaces it
    before = require_knowledge(kb_dir).places
    exported = tmp_path / "plan-places.csv"
    assert run_cli("kb", "export-places", "--out", str(exported))[0] == 0
    assert exported.read_text(encoding="utf-8").startswith("\ufeffid,kind,city,status,name_zh")
    assert run_cli("kb", "import-places", str(exported))[0] == 0
    assert run_cli("kb", "check")[0] == 0
    assert dict(require_knowledge(kb_dir).places) == dict(before)
    again = run_cli("kb", "export-places")[1]
    assert again == exported.read_bytes().decode("utf-8").removeprefix("\ufeff")


def test_a_geojson_feature_whose_properties_are_not_an_object_is_a_located_error(
    kb_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "odd.geojson"
    export.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"properties": ["atm"]}]}),
        encoding="utf-8",
    )
    code, out = run_cli("kb", "import-places", str(export))
    assert (code, out) == (1, "")
    assert (
        capsys.readouterr().err.splitlines()[0] == "odd.geojson:1:properties: must be a JSON object"
    )
    assert not (kb_dir / "places" / "odd.yaml").exists()
