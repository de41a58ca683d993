"""`python -m bot bench`: answer quality, core latency as knowledge grows, start-up and peak memory.

The Telegram-path throughput lives in handlers/throughput.py (bot/ never imports telegram);
the CLI puts both into one table and one JSON file.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

from rapidfuzz import fuzz, process

from bot.answer import Answer, Query
from bot.evaluation import Case, Report, evaluate, judge, load_cases
from bot.knowledge import Knowledge, require_knowledge
from bot.language import _detect
from bot.responder import Responder
from bot.settings import BUNDLED_KNOWLEDGE
from bot.synthetic import with_generated
from bot.text import normalize

ROOT = Path(__file__).resolve().parent.parent


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
        for query in queries:
            start = time.perf_counter()
            responder.answer(query)
            samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(samples, 0.5), 3), "p99_ms": round(percentile(samples, 0.99), 3), "n": len(samples)}


def workload(cases: list[Case], kb: Knowledge, seed: int = 3) -> dict[str, list[Query]]:
    """FAQ questions, place questions and shared locations near the known places."""
    rng = random.Random(seed)
    coords = [(p.coords.lat, p.coords.lon) for p in kb.places.values() if p.coords]
    return {
        "faq": [Query(text=c.text, hint=c.hint) for c in cases if c.kind == "faq"],
        "place": [Query(text=c.text, hint=c.hint) for c in cases if c.kind == "place"],
        "nearby": [
            Query(lat=lat + rng.uniform(-0.3, 0.3), lon=lon + rng.uniform(-0.3, 0.3), want=rng.choice(["atm", "exchange", "bank", None]))
            for lat, lon in (rng.choice(coords) for _ in range(200))
        ],
    }


def latency_growth(kb: Knowledge, cases: list[Case], sizes: list[tuple[str, int, int]]) -> list[dict]:
    """Core latency on the bundled knowledge and on generated knowledge of each size."""
    rows = []
    for label, places, topics in sizes:
        grown = with_generated(kb, places=places, topics=topics) if (places or topics) else kb
        started = time.perf_counter()
        responder = Responder(grown)
        build_s = time.perf_counter() - started
        work = workload(cases, kb)
        row = {"knowledge": label, "places": len(grown.places), "topics": len(grown.topics), "build_s": round(build_s, 2)}
        for kind, queries in work.items():
            row[kind] = timed(responder, queries)
        rows.append(row)
    return rows


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
        subprocess.run([sys.executable, "-m", "bot", "ask", "hello", "--json"], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def peak_memory_mb(places: int) -> float:
    """Peak RSS of a fresh process that loads the knowledge (plus `places` generated places) and answers."""
    # VmHWM (peak resident set) is reset by exec; ru_maxrss would carry over the benchmark's own size.
    code = "from bot.bench import child_load; child_load(%d); print(open('/proc/self/status').read())" % places
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    peak_kb = next(int(line.split()[1]) for line in out.splitlines() if line.startswith("VmHWM:"))
    return round(peak_kb / 1024, 1)


def child_load(places: int) -> None:
    """What the memory child does: load, grow, answer one question and one location."""
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    responder = Responder(with_generated(kb, places=places) if places else kb)
    responder.answer(Query(text="where can I exchange money"))
    responder.answer(Query(lat=42.9, lon=129.5, want="atm"))


def run(quick: bool = False, telegram: Callable[[int], dict] | None = None) -> dict:
    """Every figure; `telegram(n)` measures the Telegram path when given."""
    kb = require_knowledge(BUNDLED_KNOWLEDGE)
    cases = load_cases(sorted((BUNDLED_KNOWLEDGE / "tests").glob("*.jsonl")))
    responder = Responder(kb)
    sizes = [("bundled", 0, 0), ("1k places", 1000, 0), ("300 topics", 0, 300)]
    if not quick:
        sizes += [("10k places", 10_000, 0), ("100k places", 100_000, 0), ("3k topics", 0, 3000)]
    results: dict = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {_cpu()}",
        "quality": evaluate(cases, responder.answer).figures(),
        "baseline": baseline(kb, cases).figures(),
        "latency": latency_growth(kb, cases, sizes),
        "startup_s": startup_seconds(1 if quick else 3),
        "memory_mb": {"bundled": peak_memory_mb(0), **({} if quick else {"100k places": peak_memory_mb(100_000)})},
    }
    if telegram is not None:
        results["telegram"] = telegram(200 if quick else 2000)
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


def table(results: dict) -> str:
    """The figures as a plain table."""
    q, b = results["quality"], results["baseline"]
    lines = [f"PayHelp benchmark — {results['date']} — {results['machine']}", "", "Answer quality (knowledge/tests)      PayHelp   baseline"]
    for name in ("top1", "language_right", "fallback_precision", "clarify_rate", "answered_but_wrong"):
        lines.append(f"  {name:34} {q[name]:7.1%}   {b[name]:7.1%}")
    for lang, value in q["top1_by_language"].items():
        lines.append(f"  top1 {lang:29} {value:7.1%}   {b['top1_by_language'].get(lang, 0):7.1%}")
    lines += ["", "Core latency per message (ms)          faq p50/p99     place p50/p99   nearby p50/p99   build s"]
    for row in results["latency"]:
        cells = "  ".join(f"{row[k]['p50_ms']:6.2f}/{row[k]['p99_ms']:6.2f}" for k in ("faq", "place", "nearby"))
        lines.append(f"  {row['knowledge']:14} {row['places']:>7} pl {row['topics']:>5} tp  {cells}   {row['build_s']:6.2f}")
    lines += ["", f"Start-up to first answer: {results['startup_s']:.2f} s"]
    lines.append("Peak memory (RSS): " + ", ".join(f"{k} {v:.0f} MB" for k, v in results["memory_mb"].items()))
    if "telegram" in results:
        t = results["telegram"]
        lines += [
            "", "Telegram path (updates/s, in-process Bot API stand-in)",
            f"  echo bot {t['echo_ups']:.0f}; reply bot (PayHelp's replies, no work) {t['reply_ups']:.0f}; PayHelp {t['payhelp_ups']:.0f}",
            f"  PayHelp / echo {t['ratio']:.2f}; reply / echo {t['reply_ratio']:.2f} (the most any bot sending these replies gets); PayHelp / reply {t['own_work_ratio']:.2f}",
        ]
    return "\n".join(lines)


def write(results: dict, path: Path) -> None:
    """The same figures as JSON."""
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
