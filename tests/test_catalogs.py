"""Every sentence the code asks for exists in every catalog."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.app import create_app
from bot.charts import DEFAULT_LABELS
from bot.i18n import (
    MissingMessageError,
    Plural,
    Translator,
    available_languages,
    catalog,
    language_for_locale,
)
from bot.settings import Settings
from handlers.slack.command import CommandRouter
from handlers.slack.help import register as register_help
from models.core.enums import Phase
from models.projects.portfolio import ProjectFilter

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [path for folder in ("bot", "handlers", "models") for path in (ROOT / folder).rglob("*.py")]
# Calls whose first argument is a message key.
KEYED_CALLS = {"t", "UsageError", "DomainError", "NotFoundError", "ForbiddenError", "InvalidError"}


def called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def keys_in_code() -> tuple[set[str], set[str]]:
    """Literal keys, and the literal prefixes of keys built with f-strings."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and called_name(node) in KEYED_CALLS and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
    return literal, prefixes


def test_the_scan_finds_keys() -> None:
    literal, prefixes = keys_in_code()
    assert "command.unknown" in literal and "projects.title." in prefixes


@pytest.mark.parametrize("language", available_languages())
def test_every_literal_key_is_in_the_catalog(language: str) -> None:
    literal, prefixes = keys_in_code()
    keys = set(catalog(language))
    assert sorted(literal - keys) == []
    assert sorted(prefix for prefix in prefixes if not any(key.startswith(prefix) for key in keys)) == []


@pytest.mark.parametrize("language", available_languages())
def test_keys_built_from_enums_exist(language: str) -> None:
    keys = set(catalog(language))
    wanted = {f"phase.{phase.value}" for phase in Phase}
    wanted |= {f"projects.title.{which.value}" for which in ProjectFilter}
    wanted |= {f"projects.none.{which.value}" for which in ProjectFilter}
    wanted |= {f"gantt.label.{name}" for name in DEFAULT_LABELS}
    assert sorted(wanted - keys) == []


def test_every_registered_verb_has_a_summary() -> None:
    app = create_app(
        Settings(_env_file=None, slack_bot_token="xoxb-1", slack_signing_secret="s", database_url="sqlite://")
    )
    translator = Translator("en")
    assert [verb.name for verb in app.router.verbs if not translator.has(verb.summary_key)] == []


def placeholders(template: str) -> set[str]:
    """The names a template fills in; "{month:02d}" and "{month}" both name month."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def catalog_problems(english: dict[str, str], other: dict[str, str]) -> list[str]:
    """Every way `other` fails to say what English says: a key missing or extra, a placeholder off."""
    problems = [f"missing {key}" for key in sorted(english.keys() - other.keys())]
    problems += [f"extra {key}" for key in sorted(other.keys() - english.keys())]
    for key in sorted(english.keys() & other.keys()):
        wanted, found = sorted(placeholders(english[key])), sorted(placeholders(other[key]))
        if wanted != found:
            problems.append(f"placeholders of {key}: {found} instead of {wanted}")
    return problems


def test_there_is_more_than_one_language() -> None:
    assert available_languages() == ["en", "zh-CN"]


@pytest.mark.parametrize("language", [language for language in available_languages() if language != "en"])
def test_every_catalog_says_what_english_says(language: str) -> None:
    assert catalog_problems(catalog("en"), catalog(language)) == []


def test_the_comparison_catches_a_missing_key_an_extra_one_and_a_placeholder_off() -> None:
    english = {"a": "Hello {name}", "b": "{day:02d} days", "c": "Bye"}
    other = {"a": "你好", "b": "{day} 天", "d": "多余"}
    assert catalog_problems(english, other) == [
        "missing c",
        "extra d",
        "placeholders of a: [] instead of ['name']",
    ]


@pytest.mark.parametrize("language", [language for language in available_languages() if language != "en"])
def test_nothing_is_left_in_english(language: str) -> None:
    """A message that reads exactly as in English may only be layout: placeholders and marks."""
    english, other = catalog("en"), catalog(language)
    words = re.compile(r"[A-Za-z]{2,}")
    untranslated = [
        key
        for key, text in other.items()
        if text == english.get(key) and words.search(re.sub(r"\{[^}]*\}", "", text))
    ]
    assert untranslated == []


def test_a_missing_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(MissingMessageError):
        Translator("en")("no.such.key")


def test_placeholders_are_filled() -> None:
    assert (
        Translator("en")("command.unknown", verb="zap")
        == "I don't know `/pmo zap`. `/pmo help` lists every verb."
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "en"),
        ("en-GB", "en"),
        (None, "en"),
        ("xx-YY", "en"),
        ("en", "en"),
        ("zh-CN", "zh-CN"),
        ("zh-TW", "zh-CN"),  # nearer to a Chinese reader than English is
        ("zh", "zh-CN"),
    ],
)
def test_language_for_slack_locale(locale: str | None, expected: str) -> None:
    assert language_for_locale(locale) == expected


def test_router_rejects_a_verb_registered_twice() -> None:
    router = CommandRouter()
    register_help(None, None, router)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="registered twice"):
        register_help(None, None, router)  # type: ignore[arg-type]


def test_counted_messages_take_the_plural_form_babel_gives() -> None:
    en, zh = Translator("en"), Translator("zh-CN")
    assert en("reminders.title", count=1) == "⏰ You have 1 overdue item:"
    assert en("reminders.title", count=2) == "⏰ You have 2 overdue items:"
    assert en("reminders.title", count=0) == "⏰ You have 0 overdue items:"
    assert en("health.categories_over", count=1) == "1 budget category past 90%"
    assert en("health.categories_over", count=3) == "3 budget categories past 90%"
    # Chinese has no plural: one sentence for every count.
    assert zh("reminders.title", count=1).replace("1", "2") == zh("reminders.title", count=2)


@pytest.mark.parametrize("language", available_languages())
def test_no_message_hedges_its_plural(language: str) -> None:
    """ "day(s)", "item(s)", "categor(y/ies)": a count picks its own form instead."""
    hedged = re.compile(r"\w\((s|es|y/ies)\)")
    assert sorted(key for key, text in catalog(language).items() if hedged.search(text)) == []


# What a Chinese message may keep in Latin letters: product and format names, ISO codes' standard,
# the earned-value acronyms, and what is typed or shown as it is (code, links, @mentions, zones).
LATIN_KEPT = re.compile(
    r"\{[^}]*\}|`[^`]*`|https?://\S+|[@#][\w-]+|\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b"
    r"|\bAPL(-[A-Z]?\d+)?\b|\b(PMO|Slack|PDF|CSV|Markdown|HTTP|ISO|PV|EV|AC|SV|CV|SPI|CPI|BAC|EAC|ETC|VAC|TCPI|UTC)\b"
    r"|\b(Microsoft Project|ProjectLibre|GanttProject|XML|Jira|Asana)\b"
)
# The console is a developer's terminal whose own commands (click, :time, quit) are English words.
ENGLISH_BY_DESIGN = ("console.",)


def test_chinese_messages_keep_no_english_words() -> None:
    """Issue 20: a Chinese reader meets no English outside code, names and standard acronyms."""
    left = {
        key: re.findall(r"[A-Za-z]{2,}", LATIN_KEPT.sub("", str(text)))
        for key, text in catalog("zh-CN").items()
        if not key.startswith(ENGLISH_BY_DESIGN)
    }
    assert {key: words for key, words in left.items() if words} == {}


HAN = "\u4e00-\u9fff"
# Shown as typed, so any spacing or punctuation is theirs: code, links, placeholders, Slack's <…>.
AS_TYPED = re.compile(r"`[^`]*`|https?://\S+|\{[^}]*\}|<[^>]*>")
# How a Chinese sentence slips into English layout.
CHINESE_LAYOUT = {
    "space between Chinese words": re.compile(f"[{HAN}] +[{HAN}]"),
    "ASCII punctuation after Chinese": re.compile(f"[{HAN}][,;?!:]"),
    "space after a full stop": re.compile(r"[。，；：！？、] +\S"),
}


def chinese_layout_problems(messages: dict[str, str]) -> dict[str, list[str]]:
    """Each message's slips, read with what is typed as-is masked out (console.* excepted)."""
    found: dict[str, list[str]] = {}
    for key, text in messages.items():
        if key.startswith(ENGLISH_BY_DESIGN):
            continue
        forms = text.forms.values() if isinstance(text, Plural) else [text]
        # Masked by a mark, not removed: "写 `x` 和" must not become "写  和", two words a space apart.
        plain = [AS_TYPED.sub("\x00", str(form)) for form in forms]
        slips = [
            name for name, pattern in CHINESE_LAYOUT.items() if any(pattern.search(form) for form in plain)
        ]
        if slips:
            found[key] = slips
    return found


def test_chinese_messages_are_laid_out_as_chinese() -> None:
    """Issue 20: no "从 项目开始", no "截止:", no "。 写法是" in a Chinese answer."""
    assert chinese_layout_problems(catalog("zh-CN")) == {}
    # A usage answer follows a whole sentence, which ends in its own 。: no space comes between.
    answer = Translator("zh-CN")("command.usage", detail="`x` 不是数字。", usage="/pmo cost 120 差旅 机票")
    assert not CHINESE_LAYOUT["space after a full stop"].search(AS_TYPED.sub("\x00", answer))


def test_the_layout_check_catches_each_slip_and_spares_what_is_typed() -> None:
    messages = {
        "spaced": "从 项目开始 到 项目结束",
        "colon": "截止:未定",
        "comma": "已保存,谢谢",
        "run_on": "请写数字。 写法是",
        "typed": "请写 `week 周日 至 周四` 或 `at 09:00`，见 https://例子.cn/a:b。",
        "placeholders": "{count} 个任务，<@{user}> 于 09:00 提交：{title} 已完成",
        "console.banner": "像在 Slack 里一样输入，click 2 按下 按钮",
    }
    assert chinese_layout_problems(messages) == {
        "spaced": ["space between Chinese words"],
        "colon": ["ASCII punctuation after Chinese"],
        "comma": ["ASCII punctuation after Chinese"],
        "run_on": ["space after a full stop"],
    }
