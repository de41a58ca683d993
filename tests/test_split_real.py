"""scripts/split_real.py: a new batch of real questions splits into tuning and held-out halves, once, and bad
input stops it with one line that names the file and line, before anything is written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def _split(out: Path, *files: Path | str, name: str = "9") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "scripts/split_real.py", "--seed", "7", "--name", name]
    return subprocess.run(
        [*command, "--out", str(out), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _write(path: Path, *lines: object) -> Path:
    path.parent.mkdir(exist_ok=True)
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def _case(text: str, wrote: str, topic: str | None) -> dict[str, object]:
    if topic is None:
        return {"text": text, "kind": "fallback", "lang": "en", "topic": [], "wrote": wrote}
    return {"text": text, "kind": "faq", "lang": "en", "topic": [topic], "wrote": wrote}


def test_each_language_and_scope_is_halved_and_known_questions_are_left_out(tmp_path: Path) -> None:
    _write(tmp_path / "tune.jsonl", _case("where can I exchange money", "en", "currency-exchange"))
    batch = _write(
        tmp_path / "new" / "batch.jsonl",
        _case("哪里换钱", "zh", "currency-exchange"),
        _case("机场能换钱吗", "zh", "currency-exchange"),
        _case("best hotel in Yanji?", "en", None),
        _case("is the visa free?", "en", None),
        _case("where can I exchange money", "en", "currency-exchange"),  # in a batch already
        _case("what is this", "en", "no-such-topic"),
    )
    result = _split(tmp_path, batch)
    held_out, tune = _texts(tmp_path / "held-out-9.jsonl"), _texts(tmp_path / "tune-9.jsonl")
    assert (result.returncode, len(held_out), len(tune)) == (0, 2, 2)
    assert sorted(held_out + tune) == sorted(
        ["哪里换钱", "机场能换钱吗", "best hotel in Yanji?", "is the visa free?"]
    )
    assert sum("?" in text for text in held_out) == 1  # one out-of-scope question each
    assert f"{batch}:5: left out (already in a batch)" in result.stdout
    assert f"{batch}:6: left out (['no-such-topic'])" in result.stdout


def test_a_batch_is_never_split_twice(tmp_path: Path) -> None:
    held = _write(tmp_path / "held-out-9.jsonl", _case("kept out of tuning", "en", None))
    batch = _write(tmp_path / "new" / "batch.jsonl", _case("哪里换钱", "zh", "currency-exchange"))
    result = _split(tmp_path, batch)
    assert (result.returncode, result.stderr, _texts(held)) == (
        2,
        f"split_real: {held}: already there; batch '9' was split before\n",
        ["kept out of tuning"],
    )
    assert not (tmp_path / "tune-9.jsonl").exists()


def test_bad_input_is_one_line_naming_file_and_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    good = _write(tmp_path / "new" / "good.jsonl", _case("哪里换钱", "zh", "currency-exchange"))
    cases = {
        "not-json.jsonl": (['{"text": "ok", "kind": "faq"}', "{oops"], ":2: not JSON"),
        "not-object.jsonl": (["[1, 2]"], ":1: not a JSON object"),
        "no-text.jsonl": ([{"kind": "faq"}], ":1: field 'text' is missing or blank"),
        "blank-kind.jsonl": ([{"text": "hi", "kind": " "}], ":1: field 'kind' is missing or blank"),
        "topic-number.jsonl": (
            [{"text": "hi", "kind": "faq", "topic": 5}],
            ":1: field 'topic' is not a list of topic ids",
        ),
        "place-list.jsonl": (
            [{"text": "hi", "kind": "place", "place": ["x"]}],
            ":1: field 'place' is not a place id",
        ),
    }
    for name, (lines, message) in cases.items():
        bad = _write(tmp_path / "new" / name, *lines)
        result = _split(tmp_path, good, bad)
        assert (result.returncode, result.stderr) == (2, f"split_real: {bad}{message}\n")
    missing = _split(tmp_path, tmp_path / "absent.jsonl")
    assert (missing.returncode, missing.stderr) == (
        2,
        f"split_real: {tmp_path / 'absent.jsonl'}: cannot read it (FileNotFoundError)\n",
    )
    nowhere = _split(tmp_path / "absent", good)
    assert (nowhere.returncode, nowhere.stderr) == (
        2,
        f"split_real: {tmp_path / 'absent'}: no such folder\n",
    )
    assert sorted(p.name for p in tmp_path.glob("*-9.*")) == []


def test_a_batch_already_split_under_another_name_is_refused(tmp_path: Path) -> None:
    batch = _write(tmp_path / "new" / "batch.jsonl", _case("哪里换钱", "zh", "currency-exchange"))
    assert _split(tmp_path, batch, name="9").returncode == 0
    again = _split(tmp_path, batch, name="10")
    assert (again.returncode, again.stderr.splitlines()[-1]) == (
        2,
        "split_real: no new question to split: every line is left out above",
    )
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == ["held-out-9.jsonl", "tune-9.jsonl"]


def test_by_page_keeps_a_page_in_one_half_and_leaves_out_pages_of_earlier_batches(
    tmp_path: Path,
) -> None:
    def on(page: str, text: str, topic: str | None = "currency-exchange") -> dict[str, object]:
        return {**_case(text, "en", topic), "url": f"https://{page}"}

    _write(tmp_path / "tune.jsonl", on("old.example/a", "an earlier question"))
    batch = _write(
        tmp_path / "new" / "batch.jsonl",
        on("www.one.example/p", "first on page one"),
        on("one.example/p/#comments", "second on page one\u2028after a separator"),
        on("two.example/q", "only on page two"),
        on("old.example/a/", "a new question on an earlier batch's page"),
    )
    result = _split(tmp_path, batch, "--by-page")
    held_out, tune = _texts(tmp_path / "held-out-9.jsonl"), _texts(tmp_path / "tune-9.jsonl")
    one = {"first on page one", "second on page one\u2028after a separator"}
    assert (result.returncode, one <= set(held_out) or one <= set(tune)) == (0, True)
    assert sorted(held_out + tune) == sorted([*one, "only on page two"])
    assert f"{batch}:4: left out (its page is in an earlier batch)" in result.stdout
    assert "\\u2028" in (tmp_path / "held-out-9.jsonl").read_text(encoding="utf-8") + (
        tmp_path / "tune-9.jsonl"
    ).read_text(encoding="utf-8")


def test_a_batch_saved_with_a_byte_order_mark_and_a_raw_line_separator_splits_whole(
    tmp_path: Path,
) -> None:
    # As kb check reads it: Excel-style BOM, lines end at "\n" only, a pasted U+2028 stays in its question.
    batch = tmp_path / "in" / "batch.jsonl"
    batch.parent.mkdir()
    cases = [_case("cash\u2028please", "en", "cash-rights"), _case("visa for China?", "en", None)]
    batch.write_text(
        "\ufeff" + "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8"
    )
    out = tmp_path / "out"
    out.mkdir()
    done = _split(out, batch)
    halves = sorted(out.glob("*.jsonl"))
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(t for half in halves for t in _texts(half)) == [
        "cash\u2028please",
        "visa for China?",
    ]
