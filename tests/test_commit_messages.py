"""Commit messages a reviewer can scan: `.ci/check-commits` (run by CI) and the commit-msg hook
it backs refuse a subject of 72 characters or more, or a message with no body saying why."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / ".ci" / "check-commits"
HOOKS = ROOT / ".githooks"
LONG = "Skip the visibility lookups when a command's keys name the channel's project"  # 76
WHY = "\n\nThe why, for a reviewer."


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }
    return subprocess.run(["git", *args], check=False, cwd=repo, env=env, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    assert git(tmp_path, "init", "-q").returncode == 0
    return tmp_path


def commit(repo: Path, message: str, *, hooks: bool = False) -> subprocess.CompletedProcess[str]:
    (repo / "file").write_text(message, encoding="utf-8")
    git(repo, "add", "file")
    hooked = ["-c", f"core.hooksPath={HOOKS}"] if hooks else ["-c", "core.hooksPath=/dev/null"]
    return git(repo, *hooked, "commit", "-q", "-m", message)


def check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK), "--since", "2000-01-01"], check=False, cwd=repo, capture_output=True, text=True
    )


def test_ci_finds_a_long_subject_and_a_missing_why_and_passes_the_rest(repo: Path) -> None:
    commit(repo, "A" * 71 + WHY)
    commit(repo, "工作日" * 23 + WHY)  # 69 characters, though 207 bytes
    assert check(repo).returncode == 0
    commit(repo, LONG + WHY)
    commit(repo, "Keep the test within the line length")
    done = check(repo)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[-1] == "4 commits since 2000-01-01 checked, 2 problems"
    assert lines[0].endswith("'Keep the test within the line length': no body saying why")
    assert lines[1].endswith("subject of 76 characters (at most 71)")


def test_the_hook_refuses_the_commit_and_keeps_nothing(repo: Path) -> None:
    assert commit(repo, "Start" + WHY, hooks=True).returncode == 0
    refused = commit(repo, LONG + WHY, hooks=True)
    assert refused.returncode != 0
    assert "subject of 76 characters (at most 71)" in refused.stderr
    squashed = commit(repo, "Subject\nwith no blank line after it", hooks=True)
    assert "no blank line between subject and body" in squashed.stderr
    assert git(repo, "log", "--format=%s").stdout.splitlines() == ["Start"]
    assert commit(repo, "Keep the subject short" + WHY, hooks=True).returncode == 0
