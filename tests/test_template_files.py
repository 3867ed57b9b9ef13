"""Project template files: the documented TOML format, its refusals by line, the built-in
templates in both languages, and `pmo-bot templates export|import|list`."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import ProjectTemplate
from models.core.database import Database
from models.templates.file_format import TemplateFileError, read_template
from models.templates.library import builtin_sources, builtin_templates
from tests.support.flows import count_rows
from tests.support.languages import english_words
from tests.support.processes import clean_env, run_here
from tests.support.workspace import TEAM

# Line numbers below count from this first line.
GOOD = """\
format = 1
name = "small"
title = "Small"
language = "en"

[[tasks]]
id = "a"
title = "First"
duration = 2

[[tasks]]
id = "b"
title = "Second"
duration = 3
after = ["a"]

[[risks]]
title = "Late"
probability = 2
impact = 3
response = "Start early"
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(TemplateFileError) as refused:
        read_template(text)
    return [(problem.line, problem.where) for problem in refused.value.problems]


def test_a_good_file_reads_with_its_defaults() -> None:
    template = read_template(GOOD)
    assert [
        (task.id, task.duration, [(w.task, w.type, w.lag) for w in task.after]) for task in template.tasks
    ] == [
        ("a", 2, []),
        ("b", 3, [("a", "FS", 0)]),  # a task's id alone: finish to start, no lag
    ]
    assert template.risks[0].strategy == "mitigate"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # A typo in a key: refused, not ignored.
        (("duration = 3", "duraton = 3"), [(14, "tasks[1].duraton")]),
        (("probability = 2", "probability = 9"), [(19, "risks[0].probability")]),
        (('after = ["a"]', 'after = ["zz"]'), [(15, "tasks[1].after[0]")]),
        (('after = ["a"]', 'after = [{ task = "a", type = "SF" }]'), [(15, "tasks[1].after[0].type")]),
        (('after = ["a"]', 'after = [{ task = "a", lag = 999 }]'), [(15, "tasks[1].after[0].lag")]),
        (('id = "b"', 'id = "a"'), [(12, "tasks[1].id")]),
        # A missing field is placed at the table that lacks it.
        (('response = "Start early"', ""), [(17, "risks[0].response")]),
        (('title = "Small"', 'title = ""'), [(3, "title")]),
        (('language = "en"', 'language = "english"'), [(4, "language")]),
    ],
)
def test_each_refusal_names_the_line_to_fix(change: tuple[str, str], expected: list[tuple[int, str]]) -> None:
    assert problems(GOOD.replace(*change, 1)) == expected


def test_a_summary_task_and_toml_syntax_are_refused_by_line() -> None:
    summary = GOOD + '\n[[tasks]]\nid = "c"\ntitle = "Under"\nparent = "b"\nduration = 1\n'
    assert problems(summary) == [(14, "tasks[1].duration")]
    assert problems(GOOD.replace('title = "First"', 'title = "First')) == [(8, "")]


def test_the_built_in_templates_say_the_same_plan_in_english_and_chinese() -> None:
    templates = builtin_templates()
    names = {name for _, name in templates}
    assert names == {"software-release", "it-rollout", "marketing-campaign"}
    for name in names:
        english, chinese = templates[("en", name)], templates[("zh-CN", name)]
        assert [(t.id, t.parent, t.duration, t.after) for t in chinese.tasks] == [
            (t.id, t.parent, t.duration, t.after) for t in english.tasks
        ]
        assert chinese.phases == english.phases
        assert [m.after for m in chinese.milestones] == [m.after for m in english.milestones]
        assert len(chinese.risks) == len(english.risks) and all(r.response for r in chinese.risks)
        assert all(t.criteria for t in chinese.tasks if t.deliverable)
        words = [
            chinese.title,
            *(t.title for t in chinese.tasks),
            *(c for t in chinese.tasks for c in t.criteria),
            *(r.title for r in chinese.risks),
            *(r.response for r in chinese.risks),
            *chinese.closing.checklist,
            *(q.text["zh-CN"] for q in chinese.standup_questions),
        ]
        assert all(any("\u4e00" <= char <= "\u9fff" for char in word) for word in words)
        assert [word for word in words if english_words(word)] == []


@pytest.fixture
def workspace(database: Database, database_url: str) -> str:
    database.ensure_workspace(TEAM)
    return database_url


def test_templates_go_out_and_come_back_in_as_files(
    workspace: str, database: Database, tmp_path: Path
) -> None:
    env = clean_env(DATABASE_URL=workspace)
    exported = run_here(["templates", "export", "software-release", "release.toml"], env, tmp_path)
    assert exported.returncode == 0, exported.stderr
    text = (tmp_path / "release.toml").read_text(encoding="utf-8")
    assert text == builtin_sources()[("en", "software-release")]

    (tmp_path / "ours.toml").write_text(text.replace('name = "software-release"', 'name = "our-release"'))
    imported = run_here(["templates", "import", "ours.toml"], env, tmp_path)
    assert imported.stdout == "our-release (Software release) kept: 8 tasks, 3 risks\n"
    again = run_here(["templates", "import", "ours.toml"], env, tmp_path)
    assert (again.returncode, again.stderr) == (
        2,
        "pmo-bot: This workspace already has a template called our-release.\n",
    )
    assert run_here(["templates", "import", "ours.toml", "--replace"], env, tmp_path).returncode == 0
    listed = run_here(["templates", "list"], env, tmp_path).stdout.splitlines()
    assert "our-release              saved     en     Software release" in listed
    assert "software-release         built-in  zh-CN  软件发布" in listed
    back = run_here(["templates", "export", "our-release", "-"], env, tmp_path)
    assert back.stdout == (tmp_path / "ours.toml").read_text()
    assert count_rows(database, ProjectTemplate) == 1


def test_a_bad_file_is_refused_with_every_line_and_nothing_is_kept(
    workspace: str, database: Database, tmp_path: Path
) -> None:
    (tmp_path / "bad.toml").write_text(
        GOOD.replace("probability = 2", "probability = 0").replace("duration = 2", "duration = -1")
    )
    refused = run_here(["templates", "import", "bad.toml"], clean_env(DATABASE_URL=workspace), tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "pmo-bot: bad.toml is not a template file PMO bot can use:",
        "  bad.toml, line 9: tasks[0].duration: Input should be greater than or equal to 1",
        "  bad.toml, line 19: risks[0].probability: Input should be greater than or equal to 1",
    ]
    assert count_rows(database, ProjectTemplate) == 0
