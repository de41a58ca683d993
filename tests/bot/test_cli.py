"""The CLI contract: ask, ask --json, ask --jsonl (with a malformed line), chat through a pipe."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from bot.answer import Answer, Query
from bot.engine import Engine
from bot.evaluation import load_cases
from bot.render import as_line, as_text
from tests.helpers import ROOT, run_cli, run_process

CONTRACT_KEYS = {"kind", "topic", "places", "lang", "text", "confidence", "suggestions"}


def test_ask_json_has_the_contract() -> None:
    code, out = run_cli("ask", "where can I exchange money", "--json")
    answer = json.loads(out)
    assert code == 0
    assert CONTRACT_KEYS <= answer.keys()
    assert (answer["kind"], answer["topic"], answer["lang"]) == ("faq", "currency-exchange", "en")


def test_ask_text_prints_the_answer(engine: Engine) -> None:
    code, out = run_cli("ask", "您好")
    assert (code, out) == (
        0,
        as_text(engine.answer(Query(text="您好")), engine.responder.kb) + "\n",
    )
    assert engine.answer(Query(text="您好")).kind == "greeting"


def test_ask_location() -> None:
    code, out = run_cli("ask", "--lat", "42.88", "--lon", "129.46", "--want", "atm", "--json")
    answer = json.loads(out)
    assert (code, answer["kind"], answer["places"][0]) == (0, "nearby", "ynj-airport")


def test_ask_needs_something() -> None:
    code, out = run_cli("ask")
    assert (code, out) == (2, "")


def test_jsonl_round_trips_every_dev_question_in_order() -> None:
    lines = [
        json.loads(line)
        for line in (ROOT / "knowledge" / "tests" / "dev-questions.jsonl").read_text().splitlines()
    ]
    stdin = "".join(
        json.dumps({"text": q["text"], "lang": q["hint"]}, ensure_ascii=False) + "\n" for q in lines
    )
    code, out = run_cli("ask", "--jsonl", stdin=stdin)
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(answers) == len(lines)
    assert all(CONTRACT_KEYS <= a.keys() for a in answers)
    assert [a["lang"] for a in answers] == [q["lang"] for q in lines]


def test_jsonl_malformed_lines_get_an_error_and_the_rest_go_on() -> None:
    stdin = '{"text": "hello"}\nnot json\n[1, 2]\n{"text": 5}\n{"lat": 42.9}\n{"text": "ATM", "lang": "ko"}\n'
    code, out = run_cli("ask", "--jsonl", stdin=stdin)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r.get("kind") or "error" for r in rows] == [
        "greeting",
        "error",
        "error",
        "error",
        "error",
        rows[5]["kind"],
    ]
    assert [r["error"] for r in rows[1:5]] == [
        "Expecting value: line 1 column 1 (char 0)",
        "each line must be a JSON object",
        '"text" must be a string',
        'give both "lat" and "lon"',
    ]
    assert rows[5]["lang"] == "ko"


def test_jsonl_as_a_real_process_flushes_per_line() -> None:
    result = run_process(
        "ask", "--jsonl", stdin='{"text": "привет"}\n{"text": "where is an atm for visa"}\n'
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert (result.returncode, [r["lang"] for r in rows], rows[0]["kind"]) == (
        0,
        ["ru", "en"],
        "greeting",
    )


def test_chat_from_a_pipe_prints_one_answer_per_line() -> None:
    result = run_process("chat", stdin="where can I exchange money\n您好\nasdfgh qwerty\n")
    lines = result.stdout.splitlines()
    assert (result.returncode, len(lines), result.stderr) == (0, 3, "")
    assert "passport" in lines[0].lower()


def test_run_without_token_and_web_is_the_terminal_chat() -> None:
    result = run_process("run", stdin="hello\n", env={"WEB_PORT": "0"})
    assert (result.returncode, len(result.stdout.splitlines())) == (0, 1)


def test_interactive_chat_greets_and_switches_language(engine: Engine) -> None:
    kb = engine.responder.kb
    code, out = run_cli("chat", stdin="/lang ru\nпривет\n/quit\n", tty=True)
    assert code == 0
    assert f"> {kb.text('language_set', 'ru')}\n" in out
    assert out.count("> ") == 3


def _a_clarify_question(engine: Engine) -> tuple[str, Answer]:
    """A regression question the engine answers with suggestions (whichever the current matcher gives)."""
    for case in load_cases(sorted((ROOT / "knowledge" / "tests").glob("*.jsonl"))):
        answer = engine.answer(Query(text=case.text))
        if answer.kind == "clarify" and answer.suggestions:
            return case.text, answer
    raise AssertionError("no regression question gets a clarify answer")


def test_chat_from_a_pipe_takes_commands_and_picks_not_as_questions(engine: Engine) -> None:
    kb = engine.responder.kb
    question, clarify = _a_clarify_question(engine)
    code, out = run_cli(
        "chat", stdin=f"{question}\n1\n/lang ko\n/elder\nwhere can I exchange money\n"
    )
    picked = engine.responder.faq(clarify.suggestions[0], clarify.lang)
    exchange = engine.answer(Query(text="where can I exchange money", saved_lang="ko", elder=True))
    assert code == 0
    assert out.splitlines() == [
        as_line(clarify, kb),
        as_line(picked, kb),
        kb.text("language_set", "ko"),
        kb.text("elder_on", "ko"),
        as_line(exchange, kb),
    ]


def test_chat_promises_no_help_desk_it_does_not_have(engine: Engine) -> None:
    kb = engine.responder.kb
    code, out = run_cli("chat", stdin="I want to talk to a person\n")
    assert (code, out) == (0, kb.text("handoff_unavailable", "en") + "\n")


def test_chat_questions_reach_kb_unanswered() -> None:
    run_cli("chat", stdin="asdfgh qwerty zzz\nwhere can I exchange money\n")
    code, out = run_cli("kb", "unanswered")
    assert (code, out) == (0, "1× [en] asdfgh qwerty zzz\n")


def test_broken_knowledge_is_reported_not_a_traceback(tmp_path) -> None:
    (tmp_path / "faq").mkdir()
    result = run_process("ask", "hi", env={"KNOWLEDGE_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"payhelp: the knowledge in {tmp_path} has errors; run 'python -m bot kb check':\n"
    )
    assert "Traceback" not in result.stderr


def test_report_to_an_unwritable_place_is_one_line(tmp_path) -> None:
    result = run_process(
        "report",
        "--csv",
        str(tmp_path / "missing-folder" / "c.csv"),
        env={"DATABASE_PATH": str(tmp_path / "db.sqlite3")},
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"payhelp: cannot write {tmp_path / 'missing-folder' / 'c.csv'}: No such file or directory\n",
    )


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path) -> None:
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    for command in (["kb", "unanswered"], ["report", "--csv", str(tmp_path / "c.csv")]):
        result = run_process(*command, env={"DATABASE_PATH": str(missing)})
        assert (result.returncode, result.stderr) == (
            1,
            f"payhelp: cannot use the database {missing} (DATABASE_PATH): unable to open database file\n",
        )


def test_a_database_path_that_is_not_sqlite_is_one_line_and_does_not_hang(tmp_path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("these are my notes, not a database\n" * 100)
    for command in (["kb", "unanswered"], ["report", "--csv", str(tmp_path / "c.csv")]):
        result = run_process(*command, env={"DATABASE_PATH": str(text_file)}, timeout=30)
        assert (result.returncode, result.stderr) == (
            1,
            f"payhelp: cannot use the database {text_file} (DATABASE_PATH): file is not a database\n",
        )


def test_coordinates_off_the_globe_are_refused() -> None:
    result = run_process("ask", "--lat", "95", "--lon", "200")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "python -m bot ask: error: argument --lat: must be between -90 and 90 (got 95) (see --help)\n",
    )
    code, out = run_cli(
        "ask", "--jsonl", stdin='{"lat": 42.9, "lon": 200}\n{"lat": "north", "lon": 100}\n'
    )
    assert (code, out.splitlines()) == (
        0,
        [
            '{"error": "\\"lon\\" must be a number between -180 and 180"}',
            '{"error": "\\"lat\\" must be a number between -90 and 90"}',
        ],
    )
    with pytest.raises(ValidationError):
        Query(lat=95, lon=200)


def test_ask_json_gives_the_steps_and_the_rest_as_fields(engine: Engine) -> None:
    code, out = run_cli("ask", "where can I exchange money", "--json")
    answer = json.loads(out)
    expected = engine.answer(Query(text="where can I exchange money"))  # a where question
    assert (expected.topic, expected.more) == (
        "currency-exchange",
        engine.responder.faq("currency-exchange", "en").more,
    )
    assert (code, answer["text"], answer["more"]) == (0, expected.text, expected.more)
    thanks = json.loads(run_cli("ask", "thanks", "--json")[1])
    assert (thanks["kind"], thanks["text"], thanks["more"]) == (
        "thanks",
        engine.responder.kb.text("thanks", "en"),
        None,
    )


def test_ask_text_prints_the_steps_then_background_and_sources(engine: Engine) -> None:
    code, out = run_cli("ask", "where can I exchange money")
    faq = engine.answer(Query(text="where can I exchange money"))  # the how-to, map links and card
    assert (code, out) == (0, f"{faq.text}\n\n{faq.more}\n")


def test_chat_more_shows_the_last_answers_background_once(engine: Engine) -> None:
    kb = engine.responder.kb
    code, out = run_cli(
        "chat", stdin="where can I exchange money\n/more\nmore\nthanks\n/elder\n我被骗了怎么办\n"
    )
    faq = engine.responder.faq("currency-exchange", "en")
    assert faq.more and kb.text("more_hint", "en") in as_text(faq, kb)
    assert (code, out.splitlines()) == (
        0,
        [
            as_line(
                engine.answer(Query(text="where can I exchange money")), kb
            ),  # a where question
            as_line(engine.responder.more("currency-exchange", "en"), kb),
            kb.text("more_none", "en"),
            kb.text("thanks", "en"),
            kb.text("elder_on", "en"),
            as_line(engine.responder.faq("fraud-safety", "zh", elder=True), kb),
        ],
    )
    assert "12363" not in out.splitlines()[-1]
