"""Add the in-scope questions of real tuning halves to knowledge/asked.jsonl (examples for the meaning only).

Each FAQ question becomes one line: its text as written, its first topic, its page address, the language it
was written in and the date given. Out-of-scope and place questions are left out (real out-of-scope lines as
examples lost 16 one-tap answers for 4 catches, 2026-12-07). A held-out half is refused: its questions must
never be examples. A text already in the file is skipped, so running it twice adds nothing.

Run: .venv/bin/python scripts/asked.py --as-of 2026-12-07 knowledge/tests/real/tune-6.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASKED = ROOT / "knowledge" / "asked.jsonl"


def lines_of(path: Path, as_of: str) -> list[str]:
    """The JSON lines `path` adds (in-scope FAQ questions); exits with one line naming a bad line."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"scripts/asked.py: {path}:{number}: not JSON ({exc.msg})")
        if not isinstance(case, dict) or not isinstance(case.get("text"), str):
            sys.exit(f'scripts/asked.py: {path}:{number}: text: each line needs a "text"')
        topics = case.get("topic") or []
        if case.get("kind") != "faq" or not topics:
            continue
        if not case.get("url"):
            sys.exit(
                f"scripts/asked.py: {path}:{number}: url: a real question keeps its page address"
            )
        row = {
            "text": case["text"],
            "topic": topics[0],
            "url": case["url"],
            "wrote": case.get("wrote") or case.get("lang"),
            "genre": case.get("genre") or "",
            "as_of": as_of,
        }
        out.append(json.dumps(row, ensure_ascii=False))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--as-of", required=True, help="when the questions were gathered (YYYY-MM-DD)"
    )
    parser.add_argument("files", nargs="+", type=Path, help="real tuning halves (tune*.jsonl)")
    parser.add_argument("--out", type=Path, default=ASKED, help="the file to extend")
    args = parser.parse_args()
    try:
        as_of = date.fromisoformat(args.as_of).isoformat()
    except ValueError:
        sys.exit(f"scripts/asked.py: --as-of {args.as_of!r} is not a date (YYYY-MM-DD)")
    for path in args.files:
        if path.name.startswith("held-out"):
            sys.exit(
                f"scripts/asked.py: {path} is a held-out half: its questions must never be examples"
            )
        if not path.is_file():
            sys.exit(f"scripts/asked.py: {path}: no such file")
    existing = args.out.read_text(encoding="utf-8").splitlines() if args.out.exists() else []
    known = {json.loads(line)["text"] for line in existing if line.strip()}
    added = []
    for path in args.files:
        for row in lines_of(path, as_of):
            text = json.loads(row)["text"]
            if text not in known:
                known.add(text)
                added.append(row)
    handle, temporary = tempfile.mkstemp(dir=args.out.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("".join(f"{line}\n" for line in [*existing, *added]))
    os.replace(temporary, args.out)  # whole or not at all
    print(f"{len(added)} question(s) added to {args.out} ({len(existing) + len(added)} in all)")


if __name__ == "__main__":
    main()
