"""The garbage collector in a long-running server: the knowledge snapshot is frozen out of its sight.

A full collection walks every object alive, and the snapshot (matcher indexes, places, texts) is most of
them: in a process serving the web API at 300 requests/s, full collections stalled the event loop so long
that the run fell behind for good (2026-12-07, five runs of 2,000 paced requests in one process: p50
0.06-0.6 s and p99 0.6-1.3 s in the three runs that had one). Frozen (moved to the permanent generation)
and with young collections rarer, none had a full collection and 5 of 5 kept p99 under 55 ms.
"""

from __future__ import annotations

import gc

YOUNG = 50_000  # allocations between young collections (CPython's default is 700)
OLDER = (20, 10)  # young collections per middle one, middle ones per full one (defaults 10, 10)
_serving = False  # set by the server; commands and tests keep the interpreter's defaults


def settle() -> None:
    """Once the server is up: freeze everything alive (the snapshot) and collect young objects less often."""
    global _serving
    _serving = True
    gc.unfreeze()  # what the last snapshot left, which only a full collection can free
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, *OLDER)


def resettle() -> None:
    """After a knowledge reload swapped the snapshot in a server: settle again; elsewhere nothing."""
    if _serving:
        settle()
