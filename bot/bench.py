"""`python -m bot bench`: answer quality, core latency as knowledge grows, start-up and peak memory.

The Telegram-path throughput lives in handlers/throughput.py (bot/ never imports telegram) and the
web API's in handlers/web/throughput.py; the CLI puts them into one table and one JSON file.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.answer import Answer, Query
from bot.evaluation import Case, Report, evaluate, judge, load_cases
from bot.kbtools import real_files
from bot.knowledge import Knowledge, require_knowledge
from bot.language import _detect
from bot.responder import INTENT_KINDS, Responder
from bot.semantic import CachedEncoder, E5Encoder, SemanticIndex, VectorCache, examples
from bot.settings import BUNDLED_KNOWLEDGE
from bot.synthetic import with_generated
from bot.text import normalize

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".payhelp-cache" / "vectors.sqlite3"


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _clear_caches() -> None:
    """So repeated questions are not answered from a cache."""
    normalize.cache_clear()
    _detect.cache_clear()


def timed(responder: Responder, queries: list[Query], rounds: int = 3) -> dict[str, float]:
    """p50 and p99 in milliseconds of answering each query once per round, caches cleared."""
    samples: list[float] = []
    for _ in range(rounds):
        _clear_caches()
        if responder.semantic is not None:
            responder.semantic.forget()  # every message is encoded afresh, as a new user's would be
        for query in queries:
            start = time.perf_counter()
            responder.answer(query)
            samples.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(percentile(samples, 0.5), 3),
        "p99_ms": round(percentile(samples, 0.99), 3),
        "n": len(samples),
    }


def workload(cases: list[Case], kb: Knowledge, seed: int = 3) -> dict[str, list[Query]]:
    """FAQ questions, place questions and shared locations near the known places."""
    rng = random.Random(seed)
    coords = [(p.coords.lat, p.coords.lon) for p in kb.places.values() if p.coords]
    return {
        "faq": [Query(text=c.text, hint=c.hint) for c in cases if c.kind == "faq"],
        "place": [Query(text=c.text, hint=c.hint) for c in cases if c.kind == "place"],
        "nearby": [
            Query(
                lat=lat + rng.uniform(-0.3, 0.3),
                lon=lon + rng.uniform(-0.3, 0.3),
                want=rng.choice(["atm", "exchange", "bank", None]),
            )
            for lat, lon in (rng.choice(coords) for _ in range(200))
        ],
    }


def latency_growth(
    kb: Knowledge, cases: list[Case], sizes: list[tuple[str, int, int]]
) -> list[dict[str, Any]]:
    """Core latency on the bundled knowledge and on generated knowledge of each size."""
    rows = []
    for label, places, topics in sizes:
        grown = with_generated(kb, places=places, topics=topics) if (places or topics) else kb
        started = time.perf_counter()
        responder = Responder(grown)
        build_s = time.perf_counter() - started
        work = workload(cases, kb)
        row = {
            "knowledge": label,
            "places": len(grown.places),
            "topics": len(grown.topics),
            "build_s": round(build_s, 2),
        }
        for kind, queries in work.items():
            row[kind] = timed(responder, queries)
        rows.append(row)
    return rows


def peer(index: SemanticIndex, cases: list[Case]) -> Report:
    """The embedding nearest-neighbour peer: the target of the example question closest in meaning, nothing else."""

    def ask(query: Query) -> Answer:
        similarity = index.similarity(query.text, neighbours=1) or {}
        best = max(similarity, key=similarity.__getitem__) if similarity else "out-of-scope"
        if best in INTENT_KINDS:
            return Answer(kind=INTENT_KINDS[best], lang="en", text="")
        return Answer(kind="faq", lang="en", text="", topic=best)

    return evaluate(cases, ask)


def baseline(kb: Knowledge, cases: list[Case]) -> Report:
    """The simplest approach: rapidfuzz extractOne over every example question; no language or confidence handling."""
    choices: list[str] = []
    owners: list[str] = []
    for topic in kb.topics.values():
        for _, phrases in topic.examples.items():
            choices += list(phrases)
            owners += [topic.id] * len(phrases)

    def ask(query: Query) -> Answer:
        _, _, index = process.extractOne(query.text, choices, scorer=fuzz.WRatio)
        return Answer(kind="faq", lang="en", text="", topic=owners[index])

    report = Report()
    for case in cases:
        report.outcomes.append(judge(case, ask(Query(text=case.text, hint=case.hint))))
    return report


def startup_seconds(runs: int = 3) -> float:
    """Median wall time of a fresh `python -m bot ask hello --json` (interpreter, imports, knowledge, answer)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "hello", "--json"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def peak_memory_mb(places: int, semantic: bool) -> float:
    """Peak RSS of a fresh process that loads the knowledge (plus `places` generated places) and answers."""
    # VmHWM (peak resident set) is reset by exec; ru_maxrss would carry over the benchmark's own size.
    code = (
        f"from bot.bench import child_load; child_load({places}, {semantic});"
        " print(open('/proc/self/status').read())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    peak_kb = next(int(line.split()[1]) for line in out.splitlines() if line.startswith("VmHWM:"))
    return round(peak_kb / 1024, 1)


def child_load(places: int, semantic: bool = False) -> None:
    """What the memory child does: load, grow, build the semantic index (from the cache), answer a question and a location."""
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    grown = with_generated(kb, places=places) if places else kb
    index = SemanticIndex(E5Encoder(), VectorCache(CACHE), examples(kb)) if semantic else None
    if index is not None:
        index.build()
    responder = Responder(grown, semantic=index)
    responder.answer(Query(text="where can I exchange money"))
    responder.answer(Query(lat=42.9, lon=129.5, want="atm"))


def quality_sets() -> dict[str, list[Case]]:
    """The written sets, and the real questions' tuning halves and held-out halves (of every batch), reported apart."""
    tests = BUNDLED_KNOWLEDGE / "tests"
    return {
        "written": load_cases(sorted(tests.glob("*.jsonl"))),
        "real (tuning half)": load_cases(real_files(tests)),
        "real (held out)": load_cases(real_files(tests, held_out=True)),
    }


def quality(kb: Knowledge, index: SemanticIndex) -> dict[str, dict[str, dict[str, Any]]]:
    """Each set answered by PayHelp (both kinds of evidence), PayHelp lexical only, the embedding peer and the baseline."""
    fused, lexical = Responder(kb, semantic=index), Responder(kb)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, cases in quality_sets().items():
        index.encoder.encode(
            [c.text for c in cases]
        )  # through the disk cache: a second run encodes nothing
        out[name] = {
            "payhelp": evaluate(cases, fused.answer).figures(),
            "lexical": evaluate(cases, lexical.answer).figures(),
            "peer": _buttonless(peer(index, cases).figures()),
            "baseline": _buttonless(baseline(kb, cases).figures()),
        }
    return out


def _buttonless(figures: dict[str, Any]) -> dict[str, Any]:
    """A method whose answers carry no buttons under them: a right topic one tap below does not apply (None)."""
    return {**figures, "wrong_but_right_below": None}


def run(
    quick: bool = False,
    telegram: Callable[[int], dict[str, Any]] | None = None,
    web: Callable[[int], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every figure; `telegram(n)` measures the Telegram path and `web(n)` the web API when given."""
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    cache = VectorCache(CACHE)
    index = SemanticIndex(CachedEncoder(E5Encoder(), cache), cache, examples(kb), memo=0)
    index.build()
    cases = load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))
    sizes = [("bundled", 0, 0), ("1k places", 1000, 0), ("300 topics", 0, 300)]
    if not quick:
        sizes += [("10k places", 10_000, 0), ("100k places", 100_000, 0), ("3k topics", 0, 3000)]
    live = SemanticIndex(E5Encoder(), cache, examples(kb))  # times real encodes, not cache look-ups
    live.build()
    results: dict[str, Any] = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {_cpu()}",
        "quality": quality(kb, index),
        "latency_semantic": {
            "knowledge": "bundled, semantic on",
            **{
                kind: timed(Responder(kb, semantic=live), queries, rounds=1 if quick else 2)
                for kind, queries in workload(cases, kb).items()
            },
        },
        "latency": latency_growth(kb, cases, sizes),
        "startup_s": startup_seconds(1 if quick else 3),
        "memory_mb": {
            "bundled, semantic on": peak_memory_mb(0, True),
            "bundled, semantic off": peak_memory_mb(0, False),
            **({} if quick else {"100k places, semantic off": peak_memory_mb(100_000, False)}),
        },
    }
    if telegram is not None:
        results["telegram"] = telegram(200 if quick else 2000)
    if web is not None:
        results["web"] = web(200 if quick else 2000)
    return results


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f" ×{_cores()}"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def table(results: dict[str, Any]) -> str:
    """The figures as a plain table."""
    lines = [f"PayHelp benchmark — {results['date']} — {results['machine']}"]
    names = (
        "top1",
        "right_or_one_tap",
        "answered_but_wrong",
        "fallback_precision",
        "clarify_rate",
        "language_right",
        "wrong_but_right_below",
    )
    for set_name, rows in results["quality"].items():
        n = rows["payhelp"]["questions"]
        lines += [
            "",
            f"Answer quality: {set_name} ({n})      PayHelp   lexical   e5 peer  baseline",
        ]
        for name in names:
            lines.append(
                f"  {name:30} "
                + " ".join(
                    "       —" if rows[who][name] is None else f"{rows[who][name]:8.1%}"
                    for who in ("payhelp", "lexical", "peer", "baseline")
                )
            )
        for lang, value in rows["payhelp"]["top1_by_language"].items():
            others = " ".join(
                f"{rows[who]['top1_by_language'].get(lang, 0):8.1%}"
                for who in ("lexical", "peer", "baseline")
            )
            lines.append(f"  top1 {lang:25} {value:8.1%} {others}")
    lines += [
        "",
        "Core latency per message (ms)          faq p50/p99     place p50/p99   nearby p50/p99   build s",
    ]
    sem = results["latency_semantic"]
    cells = "  ".join(
        f"{sem[k]['p50_ms']:6.2f}/{sem[k]['p99_ms']:6.2f}" for k in ("faq", "place", "nearby")
    )
    lines.append(f"  {'bundled, semantic on':33}  {cells}")
    for row in results["latency"]:
        cells = "  ".join(
            f"{row[k]['p50_ms']:6.2f}/{row[k]['p99_ms']:6.2f}" for k in ("faq", "place", "nearby")
        )
        lines.append(
            f"  {row['knowledge']:14} {row['places']:>7} pl {row['topics']:>5} tp  {cells}   {row['build_s']:6.2f}"
        )
    lines.append("  (rows but the first: semantic off)")
    lines += ["", f"Start-up to first answer: {results['startup_s']:.2f} s"]
    lines.append(
        "Peak memory (RSS): "
        + ", ".join(f"{k} {v:.0f} MB" for k, v in results["memory_mb"].items())
    )
    if "telegram" in results:
        t = results["telegram"]
        lines += [
            "",
            "Telegram path (updates/s, in-process Bot API stand-in)",
            f"  echo bot {t['echo_ups']:.0f}; reply bot (PayHelp's replies, no work) {t['reply_ups']:.0f}; PayHelp {t['payhelp_ups']:.0f}",
            f"  PayHelp / echo {t['ratio']:.2f}; reply / echo {t['reply_ratio']:.2f} (the most any bot sending these replies gets); PayHelp / reply {t['own_work_ratio']:.2f}",
        ]
        if "payhelp_semantic_ups" in t:
            lines.append(
                f"  PayHelp with semantic evidence {t['payhelp_semantic_ups']:.0f}; / reply {t['semantic_own_work_ratio']:.2f}"
            )
    if "web" in results:
        w = results["web"]
        lines += [
            "",
            f"Web API (POST /api/v1/ask over loopback, {w['concurrency']} in flight, client in another process; target 300/s, p99 < 50 ms)",
            f"  {w['rps']:.0f} requests/s; p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms",
        ]
        if "at_target" in w:
            a = w["at_target"]
            lines.append(
                f"  visitors arriving at {a['offered_rps']:.0f}/s: {a['rps']:.0f} served/s; p50 {a['p50_ms']:.1f} ms, p99 {a['p99_ms']:.1f} ms"
            )
    return "\n".join(lines)


def write(results: dict[str, Any], path: Path) -> None:
    """The same figures as JSON."""
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
