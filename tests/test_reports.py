"""The communication plan's stakeholder report and status-meeting agenda are sent as the plan says,
once, by the `reports` pass (as `jobs run reports --at …` runs it); editing a line changes what is sent."""

from __future__ import annotations

from sqlalchemy import select

from models import Delivery
from tests.support.charter import create
from tests.support.flows import CHANNEL, edit_plan_line
from tests.support.passes import dms_to, run_passes_now
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, CAROL

REPORT = "📣 The weekly report on *APL* Apollo"
AGENDA = "APL · Apollo — status meeting agenda"
# Apollo's time zone is Alice's, Asia/Shanghai; Bob (the sponsor) is in New York.
FRIDAY_3PM, FRIDAY_4PM, FRIDAY_5PM = (
    "2026-12-04T15:30+08:00",
    "2026-12-04T16:05+08:00",
    "2026-12-04T17:00+08:00",
)
WEDNESDAY_10AM = "2026-12-02T10:05+08:00"


def reports(bot: RunningBot, at: str) -> None:
    done = run_passes_now(bot, at, "reports")
    assert done.ok, done.stdout
    assert "reports: ok" in done.stdout


def posts_to(bot: RunningBot, channel: str) -> list[str]:
    return [
        call.args["text"] for call in bot.fake.calls_to("chat.postMessage") if call.args["channel"] == channel
    ]


def with_stakeholder(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("team add <@U0009> stakeholder")


def test_the_stakeholder_report_goes_to_the_sponsor_and_stakeholders_on_its_day_once(bot: RunningBot) -> None:
    with_stakeholder(bot)
    reports(bot, FRIDAY_3PM)
    assert not any(REPORT in text for text in dms_to(bot, BOB))
    reports(bot, FRIDAY_4PM)
    reports(bot, FRIDAY_5PM)  # again later that day: nothing twice
    for person in (BOB, ADMIN):
        sent = [text for text in dms_to(bot, person) if text.startswith(REPORT)]
        assert len(sent) == 1, person
        assert "APL · Apollo — " in sent[0] and "*Budget* spent" in sent[0]
    assert not any(REPORT in text for text in dms_to(bot, CAROL) + posts_to(bot, CHANNEL))
    with bot.database.system_session(write=False) as db:
        keys = sorted(db.scalars(select(Delivery.key).where(Delivery.kind == "stakeholder_report")))
    assert len(keys) == 2 and all(key.endswith(":2026-12-04") for key in keys)


def test_the_status_meeting_agenda_is_posted_to_the_channel_before_the_meeting(bot: RunningBot) -> None:
    with_stakeholder(bot)
    bot.slack.command("issue Staging is down")
    reports(bot, "2026-12-02T09:30+08:00")
    reports(bot, WEDNESDAY_10AM)
    agendas = [text for text in posts_to(bot, CHANNEL) if text.startswith(AGENDA)]
    assert len(agendas) == 1
    lines = agendas[0].splitlines()
    assert "*1. Decisions to make*" in lines and "*3. Risks to review*" in lines
    assert any(line.startswith("🟡 *APL-I1* Staging is down") for line in lines)


def test_what_the_plan_says_is_what_is_sent(bot: RunningBot) -> None:
    with_stakeholder(bot)
    edit_plan_line(bot, "status_meeting", {"enabled": None})
    edit_plan_line(
        bot, "stakeholder_report", {"audience": f"<@{CAROL}>", "days": "thu", "time_zone_of": "member"}
    )
    reports(bot, WEDNESDAY_10AM)
    assert not any(text.startswith(AGENDA) for text in posts_to(bot, CHANNEL))  # switched off
    reports(bot, FRIDAY_4PM)
    assert not any(REPORT in text for text in dms_to(bot, BOB) + dms_to(bot, CAROL))  # not Friday any more
    # Thursday 16:00 where Carol is (Madrid), which is already Friday in Shanghai.
    reports(bot, "2026-12-03T15:55+01:00")
    assert not any(REPORT in text for text in dms_to(bot, CAROL))
    reports(bot, "2026-12-03T16:05+01:00")
    assert len([text for text in dms_to(bot, CAROL) if text.startswith(REPORT)]) == 1
    assert not any(REPORT in text for text in dms_to(bot, BOB) + dms_to(bot, ADMIN))

    edit_plan_line(
        bot, "stakeholder_report", {"channel": "channel", "days": "fri", "time_zone_of": "project"}
    )
    reports(bot, FRIDAY_4PM)
    assert len([text for text in posts_to(bot, CHANNEL) if text.startswith(REPORT)]) == 1
    assert ALICE not in {
        call.args["channel"] for call in bot.fake.calls_to("chat.postMessage") if REPORT in call.args["text"]
    }
