"""Every reader of a project's status shares one build of it per revision, and sees the next one.

`/pmo status`, the Home tab, the weekly digest, the portfolio digest and the stakeholder report
each ask for the project's status on the project's own current day, whoever reads it and
wherever they are. The moment is chosen so the days disagree: Tuesday evening in UTC (the
portfolio digest's zone), in Madrid (Carol, whose Home it is) and in New York (Bob, who gets the
report), but Wednesday already in Shanghai, Apollo's zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from models import Delivery, Project
from models.core.clock import CLOCK, utcnow
from tests.support.builds import Build, StatusBuilds
from tests.support.charter import project
from tests.support.comms import REPORT, edit_line, reports
from tests.support.digests import channel_posts, digests
from tests.support.flows import PROJECT_TZ, field_errors, open_modal, submit
from tests.support.passes import dms_to, run_passes_now
from tests.support.served import RunningBot
from tests.support.status import running, say
from tests.support.workspace import BOB, CAROL

AMBER, RED = "🟡", "🔴"


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    CLOCK.reset()


def coming_tuesday_evening() -> datetime:
    """21:30 UTC next Tuesday: 16:30 or 17:30 in New York (the report's hours start at 16:00),
    and Monday's digest (09:00 in Shanghai) and portfolio digest (09:00 UTC) are still due."""
    today = utcnow().date()
    ahead = (1 - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=ahead), time(21, 30), tzinfo=UTC)


def home_line(bot: RunningBot, user: str) -> str:
    """The line of the user's Home tab that gives Apollo's health, the tab opened afresh."""
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})  # published once it returns
    published = [call.args for call in bot.fake.calls_to("views.publish") if call.args["user_id"] == user]
    blocks = published[-1]["view"]["blocks"]
    sections: list[str] = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    return next(line for text in sections for line in text.splitlines() if "*APL* Apollo" in line)


def shown(bot: RunningBot, at: datetime) -> dict[str, str]:
    """What each reader shows of Apollo's health, read one after the other at `at`."""
    moment = at.isoformat()
    seen = {"status": say(bot, "status").splitlines()[0], "home": home_line(bot, CAROL)}
    digests(bot, moment)  # the weekly digest and the portfolio digest, in one pass
    digest = [text for text in channel_posts(bot) if text.startswith("📰")][-1]
    seen["digest"] = next(line for line in digest.splitlines() if line.startswith("*Health*"))
    portfolio = bot.fake.wait_for("files.completeUploadExternal")[-1].args["initial_comment"]
    seen["portfolio"] = next(line for line in portfolio.splitlines() if "*APL* Apollo" in line)
    reports(bot, moment)
    report = [text for text in dms_to(bot, BOB) if text.startswith(REPORT)][-1]
    seen["report"] = report.splitlines()[1]
    return seen


def forget_sends(bot: RunningBot) -> None:
    """The passes send each digest and report once: forgotten, they write them again as of the
    same moment. The delivery log belongs to no project, so this moves no revision."""
    with bot.database.system_session() as db:
        db.execute(delete(Delivery))


def revision(bot: RunningBot) -> int:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project.revision)).one()


def test_every_reader_shares_one_build_per_revision_on_the_projects_own_day(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    running(bot)  # amber: a task is overdue
    edit_line(bot, "stakeholder_report", {"days": "tue", "time_zone_of": "member"})
    at = coming_tuesday_evening()
    apollo_day = at.astimezone(ZoneInfo(PROJECT_TZ)).date()
    assert apollo_day == at.date() + timedelta(days=1)  # the days disagree, as the test needs
    CLOCK.travel_to(at)
    builds = StatusBuilds(monkeypatch)

    before = shown(bot, at)
    assert all(AMBER in line for line in before.values()), before
    assert builds.taken() == [Build(project(bot).id, revision(bot), apollo_day)]

    view = open_modal(bot, "risk")  # scored 20 with no response: red
    assert field_errors(submit(bot, view, {"title": "Vendor late", "probability": "5", "impact": "4"})) == {}
    forget_sends(bot)
    after = shown(bot, at)
    assert all(RED in line for line in after.values()), after
    assert builds.taken() == [Build(project(bot).id, revision(bot), apollo_day)]


def test_the_status_the_days_trends_pass_builds_is_the_one_every_reader_then_shares(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tick keeps each project's figures at the first minute of its day (the trends pass),
    hours before its digest: the status built for them is the one the day's readers get."""
    running(bot)
    edit_line(bot, "stakeholder_report", {"days": "tue", "time_zone_of": "member"})
    at = coming_tuesday_evening()
    apollo_day = at.astimezone(ZoneInfo(PROJECT_TZ)).date()
    CLOCK.travel_to(at)
    builds = StatusBuilds(monkeypatch)
    built_at = revision(bot)

    assert run_passes_now(bot, at.isoformat(), "trends").ok
    assert revision(bot) == built_at  # keeping the figures made the status they came from no older
    seen = shown(bot, at)
    assert all(AMBER in line for line in seen.values()), seen
    assert builds.taken() == [Build(project(bot).id, built_at, apollo_day)]
