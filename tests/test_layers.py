"""The domain knows nothing of Slack: no module under models/ imports Slack or the view layer,
and none writes Slack's markup. Read from the source (ast), so a lazy import inside a function
counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
# Slack's libraries, the listeners and Slack plumbing, and the runtime shell (Block Kit and
# mrkdwn builders, i18n, the pretend Slack): all of them stand on models/, never under it.
FORBIDDEN_PACKAGES = ("slack_sdk", "slack_bolt", "handlers", "bot")
# A mention, a channel link, a ping (<!here>): Slack's mrkdwn, which only the view writes.
SLACK_MARKUP = ("<@", "<#", "<!")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The absolute names an import statement brings in (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        return [".".join([*base, *([node.module] if node.module else [])])]
    return [node.module or ""]


def forbidden(name: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in FORBIDDEN_PACKAGES)


def slack_in(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every import of Slack or the view layer, and every string holding Slack markup."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [
                f"line {node.lineno}: imports {name}"
                for name in imported(node, module, is_package)
                if forbidden(name)
            ]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"line {node.lineno}: writes {mark!r}" for mark in SLACK_MARKUP if mark in node.value]
    return found


def models_modules() -> list[Path]:
    return sorted(MODELS.rglob("*.py"))


def test_every_module_of_the_domain_is_read() -> None:
    names = {module_name(path) for path in models_modules()}
    assert {"models", "models.core.errors", "models.core.migrate", "models.comms.plan"} <= names


@pytest.mark.parametrize("path", models_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_domain_imports_no_slack_and_writes_no_slack_markup(path: Path) -> None:
    found = slack_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
    assert found == [], f"{path.relative_to(ROOT)} knows about Slack: {found}"


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("import slack_sdk", "imports slack_sdk"),
        (
            "from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore",
            "slack_sdk",
        ),
        ("from slack_bolt import App", "imports slack_bolt"),
        ("def later():\n    from bot.blocks import section", "imports bot.blocks"),
        ("from bot import markup", "imports bot"),
        ("import handlers.slack.forms as forms", "imports handlers.slack.forms"),
        ("from ...handlers.slack import forms", "imports handlers.slack"),
        ('MENTION = re.compile(r"<@(?P<id>U[A-Z0-9]+)>")', "writes '<@'"),
        ('def ping(): return f"<!here> {text}"', "writes '<!'"),
        ('CHANNEL = "<#{channel}>"', "writes '<#'"),
    ],
)
def test_the_check_finds_slack_wherever_it_is_written(source: str, what: str) -> None:
    found = slack_in(source, "models.comms.plan")
    assert found and what in found[0], found


def test_the_check_lets_the_domain_be() -> None:
    source = (
        "from models.core.errors import People\n"
        "from .tables import CommPlanLine\n"
        "import botany\n"
        'ARROW = " → "\n'
        'LESS = "a < b"\n'
    )
    assert slack_in(source, "models.comms.plan") == []
