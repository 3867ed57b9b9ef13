"""README's two commands are the ones that work: CI runs the test command word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CI_RUN = (ROOT / ".ci" / "run").read_text()


def shell_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)]


def test_readme_opens_with_the_run_command_then_the_test_command() -> None:
    run, test = shell_blocks()[:2]
    assert run.startswith("python3 -m venv .venv && .venv/bin/pip install . ")
    assert run.endswith(".venv/bin/pmo-bot serve")
    assert test.endswith(".venv/bin/pytest")
    assert README.index(run) < README.index("## Create the Slack app")


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    test = shell_blocks()[1]
    [ci_command] = re.findall(r'^TEST_COMMAND="(.*)"$', CI_RUN, flags=re.MULTILINE)
    assert ci_command == test
