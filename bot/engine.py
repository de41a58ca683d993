"""Holds the current knowledge snapshot and its Responder; a reload swaps both only if valid."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

from bot.answer import Answer, Query
from bot.crosscheck import Problem
from bot.knowledge import KnowledgeError, load_knowledge
from bot.question import is_tap
from bot.responder import Responder
from bot.semantic import CachedEncoder, Semantic

log = logging.getLogger(__name__)


async def ask(responder: Responder, query: Query) -> Answer:
    """`responder.answer` for a channel on an event loop: in a worker thread when the message must be encoded."""
    index = responder.semantic
    if index is None or not index.ready or not query.text:
        return responder.answer(query)
    return await asyncio.to_thread(responder.answer, query)


async def gloss(responder: Responder, text: str) -> tuple[Answer, Answer | None]:
    """A visitor's question relayed by staff: the answer in the visitor's language, and its Chinese version.

    The text decides the language, never the staff member's settings; the Chinese is None when the
    answer is Chinese already.
    """
    answer = await ask(responder, Query(text=text))
    return answer, None if answer.lang == "zh" else await chinese(responder, text, answer)


async def chinese(responder: Responder, question: str, answer: Answer) -> Answer:
    """The Chinese version of `answer` for staff: the typed question answered again in Chinese (so a city's
    places and a place's yes/no lines come through), or the answer rebuilt when it came from a button."""
    if answer.lang == "zh":
        return answer
    if question.strip() and not is_tap(question):
        return await ask(responder, Query(text=question, lang="zh"))
    return responder.in_language(answer, "zh")


class Engine:
    """The bot's brain: answer() always uses one complete snapshot, never a half-loaded one."""

    def __init__(self, responder: Responder, root: Path, semantic: Semantic | None = None) -> None:
        self._responder = responder
        self.root = root
        self.semantic = semantic
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path, default_lang: str = "en", semantic: Semantic | None = None) -> Engine:
        """Build from `root`; raise KnowledgeError when the files have errors.

        With `semantic`, the example questions' vectors are built in the background; answers are lexical until then.
        """
        snapshot, problems = load_knowledge(root)
        if snapshot is None:
            raise KnowledgeError([p for p in problems if p.severity == "error"])
        index = semantic.index(snapshot) if semantic else None
        return cls(Responder(snapshot, default_lang=default_lang, semantic=index), root, semantic)

    def settle(self, timeout: float | None = None, only_if_cached: bool = False) -> bool:
        """Wait until the semantic evidence is ready, so every answer of a batch command uses it; True when ready.

        `only_if_cached`: wait only when no vector has to be encoded (a one-shot `ask` on a cold cache answers lexically).
        """
        index = self._responder.semantic
        if index is None:
            return True
        return index.wait_if_cached() if only_if_cached else index.wait(timeout)

    def settle_for_batch(self) -> None:
        """Wait for the semantic evidence, then cache the questions' vectors on disk too: a rerun encodes nothing."""
        self.settle()
        index = self._responder.semantic
        if index is not None and index.ready and not isinstance(index.encoder, CachedEncoder):
            index.encoder = CachedEncoder(index.encoder, index.cache)

    async def ask(self, query: Query) -> Answer:
        """Answer off the event loop when a sentence must be encoded, so one slow encode never holds up other chats."""
        return await ask(self._responder, query)

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
            index = self.semantic.index(snapshot) if self.semantic else None
            self._responder = Responder(
                snapshot, default_lang=self._responder.default_lang, semantic=index
            )
            log.info(
                "knowledge reloaded: %d topics, %d places",
                len(snapshot.topics),
                len(snapshot.places),
            )
            return []
