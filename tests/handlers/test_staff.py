"""Help desk, editors and supervisors through the real Application offline: tickets, staff commands, complaints, privacy."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answer import Query
from bot.engine import Engine
from handlers import upkeep
from tests.helpers import run_process
from tests.telegram_helpers import Harness, buttons, callback, message, reply_texts, texts

STAFF_GROUP = -500
STAFF_USER = 55


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@pytest.fixture
async def desk(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(
        engine, tmp_path / "desk.sqlite3", STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    yield harness
    await harness.stop()


def staff_message(text: str, reply_to: int | None = None, user_id: int = STAFF_USER) -> dict:
    extra = {}
    if reply_to is not None:
        extra["reply_to_message"] = {
            "message_id": reply_to,
            "date": 0,
            "chat": {"id": STAFF_GROUP, "type": "supergroup", "title": "desk"},
            "text": "🎫",
        }
    return message(
        text, user_id=user_id, lang="zh", chat_id=STAFF_GROUP, kind="supergroup", **extra
    )


async def _open_ticket(desk: Harness) -> tuple[int, list]:
    await desk.send(message("연길 공항 환전", user_id=7, lang="ko"))
    calls = await desk.send(message("상담원 연결해 주세요", user_id=7, lang="ko"))
    posted = [
        c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == str(STAFF_GROUP)
    ]
    assert len(posted) == 1
    ticket_message_id = (
        desk.api._message_id - 1
    )  # the staff post is answered before the user's reply
    return ticket_message_id, calls


async def test_handoff_tells_the_user_and_posts_a_ticket_with_a_chinese_version(
    desk: Harness, engine: Engine
) -> None:
    _, calls = await _open_ticket(desk)
    ticket = next(c for c in calls if c.params["chat_id"] == str(STAFF_GROUP)).params["text"]
    user = [c.params["text"] for c in calls if c.params["chat_id"] == "7"]
    assert user == [esc(engine.responder.kb.text("handoff", "ko"))]
    assert ticket.startswith("🎫 工单 #1 · 语言 ko\n问题：연길 공항 환전\n机器人回答：")
    chinese = engine.answer(Query(text="연길 공항 환전", lang="zh")).text  # with its yes/no line
    zh_place = engine.responder.kb.places["ynj-airport"].names.zh[0]
    assert (f"中文版：{esc(chinese.splitlines()[0])}" in ticket, zh_place in chinese) == (
        True,
        True,
    )


async def test_staff_reply_send_and_close_reach_the_user_and_survive_a_restart(
    desk: Harness, engine: Engine
) -> None:
    ticket_id, _ = await _open_ticket(desk)
    replied = await desk.send(staff_message("您好，机场二楼有兑换柜台。", reply_to=ticket_id))
    to_user = [c.params["text"] for c in replied if c.params["chat_id"] == "7"]
    assert to_user == [
        esc(engine.responder.kb.text("staff_reply", "ko") + "\n您好，机场二楼有兑换柜台。")
    ]
    assert texts(replied)[-1] == "✓ 已发送给工单 #1 的用户。"
    restarted = await desk.restart()
    try:
        sent = await restarted.send(staff_message("/send currency-exchange", reply_to=ticket_id))
        assert [c.params["text"] for c in sent if c.params["chat_id"] == "7"] == [
            esc(engine.responder.faq("currency-exchange", "ko").text)
        ]
        closed = await restarted.send(staff_message("/close", reply_to=ticket_id))
        assert [c.params["text"] for c in closed if c.params["chat_id"] == "7"] == [
            esc(engine.responder.kb.text("handoff_closed", "ko"))
        ]
        db = await restarted.app.bot_data.store.db()
        assert await (await db.execute("SELECT status FROM tickets WHERE id = 1")).fetchone() == (
            "closed",
        )
    finally:
        await restarted.stop()


async def test_send_with_an_unknown_topic_lists_the_topics(desk: Harness) -> None:
    ticket_id, _ = await _open_ticket(desk)
    calls = await desk.send(staff_message("/send nonsense", reply_to=ticket_id))
    assert texts(calls)[0].startswith("用法：/send 主题ID。可用的主题：")


async def test_forwarded_visitor_message_is_answered_in_their_language_with_chinese_below(
    desk: Harness, engine: Engine
) -> None:
    origin = {"type": "hidden_user", "sender_user_name": "Visitor", "date": 0}
    calls = await desk.send(
        message("환전은 어떻게 해요?", user_id=STAFF_USER, lang="zh", forward_origin=origin)
    )
    ko = engine.responder.faq("currency-exchange", "ko").text
    zh = engine.responder.faq("currency-exchange", "zh").text
    assert texts(calls) == [esc(f"{ko}\n\n—— 中文版（供工作人员参考） ——\n{zh}")]


@pytest.mark.parametrize(
    "command", ["/stats", "/unanswered", "/reload", "/send currency-exchange", "/close"]
)
async def test_non_staff_get_the_ordinary_unknown_command_reply(
    desk: Harness, engine: Engine, command: str
) -> None:
    private = await desk.send(message(command, user_id=8, lang="en"))
    assert texts(private) == [esc(engine.responder.kb.text("unknown_command", "en"))]
    elsewhere = await desk.send(
        message(command, user_id=8, lang="en", chat_id=-777, kind="supergroup")
    )
    assert elsewhere == []


async def test_stats_and_unanswered_for_staff(desk: Harness) -> None:
    await desk.send(message("asdfgh qwerty zzz", user_id=9, lang="ru"))
    await desk.send(message("where can I exchange money", user_id=10, lang="en"))
    await desk.send(callback("f:0:currency-exchange", user_id=10))
    stats = texts(await desk.send(message("/stats 30", user_id=STAFF_USER, lang="zh")))[0]
    assert stats.startswith("📊 30 days: 2 messages, 2 users\n")
    assert "feedback: 👍 0 · 👎 1" in stats
    queue = texts(await desk.send(staff_message("/unanswered")))[0]
    assert sorted(queue.splitlines()) == [
        "1× [en] where can I exchange money",
        "1× [ru] asdfgh qwerty zzz",
    ]


async def test_reload_keeps_the_old_knowledge_on_errors_and_says_why(
    kb_copy: Path, tmp_path: Path
) -> None:
    engine = Engine.load(kb_copy)
    desk = await Harness(
        engine, tmp_path / "r.sqlite3", STAFF_CHAT_ID=STAFF_GROUP, STAFF_USER_IDS=(STAFF_USER,)
    ).start()
    try:
        (kb_copy / "faq" / "zz.yaml").write_text("- id: Broken Id\n")
        shown = texts(await desk.send(message("/reload", user_id=STAFF_USER, lang="zh")))[0]
        assert shown.startswith("⚠️ 知识库有 ")
        assert "knowledge/faq/zz.yaml:1: id: String should match pattern" in shown
        assert texts(await desk.send(message("how do I exchange money", user_id=3)))[0].startswith(
            "1."
        )
        (kb_copy / "faq" / "zz.yaml").unlink()
        assert texts(await desk.send(message("/reload", user_id=STAFF_USER, lang="zh")))[
            0
        ].startswith("✓ 知识库已重新加载")
    finally:
        await desk.stop()


async def test_edited_knowledge_is_picked_up_and_broken_edits_reported_to_staff(
    kb_copy: Path, tmp_path: Path
) -> None:
    engine = Engine.load(kb_copy)
    desk = await Harness(engine, tmp_path / "w.sqlite3", STAFF_CHAT_ID=STAFF_GROUP).start()
    try:
        ui = kb_copy / "ui.yaml"
        ui.write_text(
            ui.read_text(encoding="utf-8").replace(
                "  en: OK, cancelled.", "  en: Cancelled, no problem."
            ),
            encoding="utf-8",
        )
        assert await upkeep.reload_knowledge(desk.app) == []
        assert engine.responder.kb.text("complain_cancelled", "en") == "Cancelled, no problem."
        (kb_copy / "faq" / "zz.yaml").write_text("- id: Broken Id\n")
        errors = await upkeep.reload_knowledge(desk.app)
        assert (
            errors
            and engine.responder.kb.text("complain_cancelled", "en") == "Cancelled, no problem."
        )
        assert desk.api.sent("sendMessage")[-1].params["text"].startswith("⚠️ 知识库有 ")
    finally:
        await desk.stop()


async def test_complaint_flow_gives_a_reference_notifies_staff_and_survives_a_restart(
    desk: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    kb = engine.responder.kb
    answer = await desk.send(message("the shop refused my cash what can i do", user_id=12))
    assert "c" in [d for _, d in buttons(answer[0])]
    asked = await desk.send(callback("c", user_id=12))
    assert texts(asked) == [esc(kb.text("complain_place", "en"))]
    assert texts(await desk.send(message("Noodle shop near the station", user_id=12))) == [
        esc(kb.text("complain_what", "en"))
    ]
    assert texts(await desk.send(message("They refused cash & said QR only", user_id=12))) == [
        esc(kb.text("complain_date", "en"))
    ]
    done = await desk.send(callback("cs", user_id=12))
    assert [
        c.params["text"] for c in done if c.method == "sendMessage" and c.params["chat_id"] == "12"
    ] == [esc(kb.text("complain_done", "en", ref="C-000001"))]
    staff = [
        c.params["text"]
        for c in done
        if c.method == "sendMessage" and c.params["chat_id"] == str(STAFF_GROUP)
    ]
    assert staff == [
        esc(
            "📝 投诉 C-000001 · 语言 en\n地点：Noodle shop near the station\n情况：They refused cash & said QR only\n日期：（未填）"
        )
    ]
    db_path = desk.settings.DATABASE_PATH
    restarted = await desk.restart()
    await restarted.stop()
    result = run_process(
        "report", "--csv", str(tmp_path / "c.csv"), env={"DATABASE_PATH": str(db_path)}
    )
    rows = (tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()
    assert (result.returncode, rows[1].split(",")[0], result.stdout.splitlines()[0]) == (
        0,
        "C-000001",
        f"1 complaint(s) written to {tmp_path / 'c.csv'}",
    )


async def test_a_complaint_half_written_survives_a_restart(desk: Harness, engine: Engine) -> None:
    kb = engine.responder.kb
    await desk.send(message("/complain", user_id=15, lang="ko"))
    await desk.send(message("연길 야시장 노점", user_id=15, lang="ko"))
    restarted = await desk.restart()
    try:
        assert texts(
            await restarted.send(message("현금을 안 받았어요", user_id=15, lang="ko"))
        ) == [esc(kb.text("complain_date", "ko"))]
        done = await restarted.send(message("11월 30일", user_id=15, lang="ko"))
        assert texts(done)[:1] == [esc(kb.text("complain_done", "ko", ref="C-000001"))]
        db = await restarted.app.bot_data.store.db()
        rows = await (
            await db.execute("SELECT place, what, happened_on FROM complaints")
        ).fetchall()
        assert rows == [("연길 야시장 노점", "현금을 안 받았어요", "11월 30일")]
    finally:
        await restarted.stop()


async def test_a_draft_left_for_over_half_an_hour_is_forgotten(
    desk: Harness, engine: Engine
) -> None:
    await desk.send(message("/complain", user_id=16))
    restarted = await desk.restart()
    try:
        db = await restarted.app.bot_data.store.db()
        await db.execute("UPDATE complaint_drafts SET updated = '2026-01-01T00:00:00+00:00'")
        question = "where can I exchange money"
        assert texts(await restarted.send(message(question, user_id=16))) == reply_texts(
            engine, question
        )  # answered, not taken as the place
    finally:
        await restarted.stop()


async def test_complaint_can_be_cancelled(desk: Harness, engine: Engine) -> None:
    await desk.send(message("/complain", user_id=13, lang="ja"))
    assert texts(await desk.send(message("/cancel", user_id=13, lang="ja"))) == [
        esc(engine.responder.kb.text("complain_cancelled", "ja"))
    ]


async def test_privacy_and_forget(desk: Harness, engine: Engine) -> None:
    kb = engine.responder.kb
    assert texts(await desk.send(message("/privacy", user_id=14, lang="ru"))) == [
        esc(kb.text("privacy", "ru", days=90))
    ]
    await desk.send(callback("l:ja", user_id=14))
    await desk.send(message("where can I exchange money", user_id=14))
    store = desk.app.bot_data.store
    db = await store.db()
    await store.flush()
    assert await (
        await db.execute("SELECT COUNT(*) FROM events WHERE user_key = ?", (store.user_key(14),))
    ).fetchone() == (1,)
    assert await (
        await db.execute("SELECT COUNT(*) FROM events WHERE user_key = '14'")
    ).fetchone() == (0,)
    gone = await desk.send(message("/forget", user_id=14, lang="ru"))
    assert texts(gone) == [esc(kb.text("forget_done", "ja"))]
    assert (await store.prefs(14)).lang is None
    assert await (
        await db.execute("SELECT COUNT(*) FROM events WHERE user_key = ?", (store.user_key(14),))
    ).fetchone() == (0,)


async def test_old_statistics_are_purged(desk: Harness) -> None:
    store = desk.app.bot_data.store
    db = await store.db()
    await db.execute(
        "INSERT INTO events (ts, user_key, lang, kind) VALUES ('2000-01-01T00:00:00+00:00', 'k', 'en', 'faq')"
    )
    await db.commit()
    await desk.send(message("hello", user_id=15))
    assert await store.purge(90) == 1


async def test_feedback_and_language_survive_a_restart_and_kb_unanswered_reads_the_queue(
    desk: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await desk.send(message("how to pay the rent on my flat", user_id=16))
    await desk.send(callback("f:0:payment-overview", user_id=16))
    await desk.send(callback("l:ko", user_id=16))
    restarted = await desk.restart()
    try:
        assert (await restarted.app.bot_data.store.prefs(16)).lang == "ko"
        assert await restarted.app.bot_data.store.feedback_counts() == {
            "helpful": 0,
            "unhelpful": 1,
        }
    finally:
        await restarted.stop()
    result = run_process(
        "kb", "unanswered", env={"DATABASE_PATH": str(desk.settings.DATABASE_PATH)}
    )
    assert result.returncode == 0 and "[en] how to pay the rent on my flat" in result.stdout


GROUP_MEMBER = 66  # in the staff group, not in STAFF_USER_IDS


@pytest.mark.parametrize(
    "command", ["reply", "/send currency-exchange", "/close", "/reload", "/stats"]
)
async def test_a_group_member_not_in_staff_user_ids_cannot_act_as_staff(
    desk: Harness, command: str
) -> None:
    ticket_id, _ = await _open_ticket(desk)
    text = "请告诉我您的银行卡号" if command == "reply" else command
    calls = await desk.send(staff_message(text, reply_to=ticket_id, user_id=GROUP_MEMBER))
    assert [c.params.get("chat_id") for c in calls if c.method == "sendMessage"] == []
    db = await desk.app.bot_data.store.db()
    assert await (await db.execute("SELECT status FROM tickets WHERE id = 1")).fetchone() == (
        "open",
    )


async def test_a_staff_user_in_private_is_staff_and_a_group_member_is_not(desk: Harness) -> None:
    assert texts(await desk.send(message("/stats", user_id=STAFF_USER, lang="zh")))[0].startswith(
        "📊 7 days:"
    )
    assert texts(await desk.send(message("/stats", user_id=GROUP_MEMBER, lang="zh"))) != []
    assert not texts(await desk.send(message("/stats", user_id=GROUP_MEMBER, lang="zh")))[
        0
    ].startswith("📊")


async def test_without_staff_user_ids_the_staff_group_counts_and_a_warning_is_logged(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        desk = await Harness(engine, tmp_path / "g.sqlite3", STAFF_CHAT_ID=STAFF_GROUP).start()
    try:
        assert [r.getMessage() for r in caplog.records if r.name == "handlers.staff"] == [
            "STAFF_USER_IDS is empty: everyone in the staff group (STAFF_CHAT_ID) acts as staff"
        ]
        ticket_id, _ = await _open_ticket(desk)
        replied = await desk.send(staff_message("您好", reply_to=ticket_id, user_id=GROUP_MEMBER))
        assert [c.params["chat_id"] for c in replied if c.method == "sendMessage"] == [
            "7",
            str(STAFF_GROUP),
        ]
    finally:
        await desk.stop()
