"""Every setting and every CLI command is documented (a test fails if one is not)."""

from __future__ import annotations

import argparse
import re

from bot.arguments import build_parser
from bot.settings import Settings
from tests.helpers import ROOT


def _commands() -> list[str]:
    names = []
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names.append(name)
                for inner in sub._actions:
                    if isinstance(inner, argparse._SubParsersAction):
                        names.extend(f"{name} {child}" for child in inner.choices)
    return names


def test_every_setting_is_in_env_example_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Z_]+)=", line)
        if match:
            documented[match.group(1)] = index > 0 and lines[index - 1].startswith("# ")
    assert documented == {name: True for name in Settings.model_fields}


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"`{name}`" not in readme]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in _commands() if f"`{name}" not in readme]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_has_one_entry_in_the_dispatch_table() -> None:
    from bot.cli import DISPATCH

    assert sorted(DISPATCH) == sorted(name for name in _commands() if name not in ("kb", "staff"))


def test_the_bot_never_loads_the_benchmark_code() -> None:
    """bench, synthetic and throughput ship for `python -m bot bench` only; the bot and its other commands never import them."""
    import subprocess
    import sys

    probe = "import sys, bot.cli, handlers.app, handlers.serve; print(sorted(m for m in ('bot.bench', 'bot.synthetic', 'handlers.throughput', 'handlers.web.throughput', 'handlers.fake_api') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert (result.returncode, result.stdout) == (0, "[]\n")


def test_make_test_runs_ruff_and_mypy_before_the_tests() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert makefile.count("\ntest: lint\n") == 1
    assert [line.strip() for line in lint.splitlines()[1:]] == [
        "$(BIN)/ruff check .",
        "$(BIN)/ruff format --check .",
        "$(BIN)/mypy",
    ]


def test_the_readme_shows_the_chat_page_and_the_dashboard() -> None:
    readme = (ROOT / "README.md").read_text()
    shots = re.findall(r"!\[[^\]]*\]\((docs/[^)]+\.png)\)", readme)
    assert shots == ["docs/web-phone.png", "docs/web-kiosk.png", "docs/staff-dashboard.png"]
    assert all((ROOT / shot).is_file() for shot in shots)
