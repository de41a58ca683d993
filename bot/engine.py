"""Holds the current knowledge snapshot and its Responder; a reload swaps both only if valid."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from bot.answer import Answer, Query
from bot.knowledge import KnowledgeError, Problem, load_knowledge
from bot.responder import Responder

log = logging.getLogger(__name__)


class Engine:
    """The bot's brain: answer() always uses one complete snapshot, never a half-loaded one."""

    def __init__(self, responder: Responder, root: Path) -> None:
        self._responder = responder
        self.root = root
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path, default_lang: str = "en") -> "Engine":
        """Build from `root`; raise KnowledgeError when the files have errors."""
        snapshot, problems = load_knowledge(root)
        if snapshot is None:
            raise KnowledgeError([p for p in problems if p.severity == "error"])
        return cls(Responder(snapshot, default_lang=default_lang), root)

    @property
    def responder(self) -> Responder:
        """The Responder of the current snapshot."""
        return self._responder

    def answer(self, query: Query) -> Answer:
        """Answer one message from the current snapshot."""
        return self._responder.answer(query)

    def reload(self) -> list[Problem]:
        """Re-read the files; swap in the new snapshot only when it has no errors. Returns the errors."""
        with self._lock:
            try:
                snapshot, problems = load_knowledge(self.root)
            except Exception as exc:  # a file changing under us must never take the bot down
                log.exception("knowledge reload failed")
                return [Problem(str(self.root), 1, "reload", f"unexpected error: {exc}")]
            errors = [p for p in problems if p.severity == "error"]
            if snapshot is None or errors:
                log.warning("knowledge reload kept the old snapshot: %d error(s)", len(errors))
                return errors
            self._responder = Responder(snapshot, default_lang=self._responder.default_lang)
            log.info("knowledge reloaded: %d topics, %d places", len(snapshot.topics), len(snapshot.places))
            return []
