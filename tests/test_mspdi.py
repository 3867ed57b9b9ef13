"""Microsoft Project XML (MSPDI): a file written by Microsoft Project's conventions is read, every
plan round-trips, and `/pmo export plan` uploads the schedule the plan shows.

The conventions are those of Microsoft's published schema, mspdi_pj12.xsd ("Project XML Data
Interchange Schema Reference", Microsoft Learn): weekdays numbered from Sunday = 1, durations as
ISO 8601 working time at 480 minutes a day, LinkLag in tenths of a minute, link Type 0 FF, 1 FS,
2 SF and 3 SS, and the project's summary row as task UID 0.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core.enums import LinkKind
from models.schedule.mspdi import FormatError, PlanFile, PlanLink, PlanResource, PlanTask, read, write
from tests.support.flows import say
from tests.support.planning import planned
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, CAROL

# As Microsoft Project 2019 saves a two-task plan under a summary, with a milestone: a Sunday to
# Thursday week, New Year's Day off, a 1-day lag, a start-to-start link, a baseline and a resource.
SAVED_BY_PROJECT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <SaveVersion>14</SaveVersion>
  <Name>Rollout.xml</Name>
  <Title>Office rollout</Title>
  <StartDate>2026-12-27T08:00:00</StartDate>
  <CalendarUID>1</CalendarUID>
  <MinutesPerDay>480</MinutesPerDay>
  <Calendars>
    <Calendar>
      <UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
      <WeekDays>
        <WeekDay><DayType>1</DayType><DayWorking>1</DayWorking></WeekDay>
        <WeekDay><DayType>2</DayType><DayWorking>1</DayWorking></WeekDay>
        <WeekDay><DayType>3</DayType><DayWorking>1</DayWorking></WeekDay>
        <WeekDay><DayType>4</DayType><DayWorking>1</DayWorking></WeekDay>
        <WeekDay><DayType>5</DayType><DayWorking>1</DayWorking></WeekDay>
        <WeekDay><DayType>6</DayType><DayWorking>0</DayWorking></WeekDay>
        <WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>
      </WeekDays>
      <Exceptions>
        <Exception>
          <EnteredByOccurrences>0</EnteredByOccurrences>
          <TimePeriod><FromDate>2026-12-31T00:00:00</FromDate><ToDate>2027-01-01T23:59:00</ToDate></TimePeriod>
          <Occurrences>1</Occurrences><Name>New Year</Name><Type>1</Type><DayWorking>0</DayWorking>
        </Exception>
      </Exceptions>
    </Calendar>
  </Calendars>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Office rollout</Name><OutlineLevel>0</OutlineLevel>
      <Summary>1</Summary></Task>
    <Task><UID>1</UID><ID>1</ID><Name>Prepare</Name><OutlineLevel>1</OutlineLevel>
      <Start>2026-12-27T08:00:00</Start><Finish>2027-01-05T17:00:00</Finish>
      <Duration>PT56H0M0S</Duration><DurationFormat>7</DurationFormat><Milestone>0</Milestone>
      <Summary>1</Summary><PercentComplete>25</PercentComplete></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Order laptops</Name><OutlineLevel>2</OutlineLevel>
      <Start>2026-12-27T08:00:00</Start><Finish>2026-12-29T17:00:00</Finish>
      <Duration>PT24H0M0S</Duration><Milestone>0</Milestone><Summary>0</Summary>
      <PercentComplete>50</PercentComplete>
      <Baseline><Number>0</Number><Start>2026-12-27T08:00:00</Start><Finish>2026-12-28T17:00:00</Finish>
        <Duration>PT16H0M0S</Duration></Baseline>
      <Baseline><Number>1</Number><Start>2026-12-20T08:00:00</Start><Finish>2026-12-21T17:00:00</Finish>
      </Baseline></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Image laptops &amp; test</Name><OutlineLevel>2</OutlineLevel>
      <Start>2027-01-03T08:00:00</Start><Finish>2027-01-05T17:00:00</Finish>
      <Duration>PT20H0M0S</Duration><Milestone>0</Milestone><Summary>0</Summary>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><CrossProject>0</CrossProject>
        <LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
    <Task><UID>5</UID><ID>4</ID><Name>Laptops ready</Name><OutlineLevel>1</OutlineLevel>
      <Start>2027-01-05T17:00:00</Start><Finish>2027-01-05T17:00:00</Finish>
      <Duration>PT0H0M0S</Duration><Milestone>1</Milestone><Summary>0</Summary>
      <PredecessorLink><PredecessorUID>3</PredecessorUID><Type>0</Type></PredecessorLink>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>3</Type><LinkLag>-4800</LinkLag></PredecessorLink>
    </Task>
  </Tasks>
  <Resources>
    <Resource><UID>0</UID><ID>0</ID><Name>Unassigned</Name></Resource>
    <Resource><UID>7</UID><ID>1</ID><Name>Li Wei</Name>
      <EmailAddress>li.wei@example.com</EmailAddress></Resource>
  </Resources>
  <Assignments>
    <Assignment><UID>1</UID><TaskUID>2</TaskUID><ResourceUID>7</ResourceUID><Units>1</Units></Assignment>
    <Assignment><UID>2</UID><TaskUID>3</TaskUID><ResourceUID>-65535</ResourceUID></Assignment>
  </Assignments>
</Project>
"""


def test_a_file_saved_by_microsoft_project_is_read_with_its_calendar_links_and_baseline() -> None:
    plan = read(SAVED_BY_PROJECT)
    assert (plan.name, plan.start) == ("Rollout.xml", date(2026, 12, 27))
    assert plan.weekmask == "1111001"  # Monday to Thursday and Sunday
    assert plan.days_off == (date(2026, 12, 31), date(2027, 1, 1))
    # The project's own summary row (UID 0) is not a task of the plan.
    assert [(task.uid, task.name, task.outline_level) for task in plan.tasks] == [
        (1, "Prepare", 1),
        (2, "Order laptops", 2),
        (3, "Image laptops & test", 2),
        (5, "Laptops ready", 1),
    ]
    prepare, order, image, ready = plan.tasks
    assert (prepare.summary, prepare.duration_days, prepare.percent_complete) == (True, 7, 25)
    # 20 hours at 8 a day is two and a half days: the part day is a day of work.
    assert (order.duration_days, image.duration_days, ready.duration_days) == (3, 3, 0)
    assert (order.baseline_start, order.baseline_finish) == (date(2026, 12, 27), date(2026, 12, 28))
    assert image.links == (PlanLink(2, LinkKind.FINISH_TO_START, 1),)
    assert ready.milestone and ready.links == (
        PlanLink(3, LinkKind.FINISH_TO_FINISH, 0),
        PlanLink(2, LinkKind.START_TO_START, -1),
    )
    # Microsoft Project's "no resource" (-65535) assigns nobody.
    assert (order.resource_uid, image.resource_uid) == (7, None)
    assert plan.resources == (PlanResource(7, "Li Wei", "li.wei@example.com"),)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<Project", "not readable XML"),
        (b"<Project><Tasks/></Project>", "not a Microsoft Project XML file"),
        (SAVED_BY_PROJECT.replace(b"<Type>3</Type>", b"<Type>2</Type>"), "Task UID 5: start-to-finish links"),
        (SAVED_BY_PROJECT.replace(b"PT24H0M0S", b"3 days"), "Task UID 2: Duration is not an ISO 8601"),
        (SAVED_BY_PROJECT.replace(b"2027-01-03T08:00:00", b"Sunday"), "Task UID 3: Start is not a date"),
        (
            # Entity expansion ("billion laughs") is refused before anything is expanded.
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&b;</Name></Project>',
            "not readable XML",
        ),
    ],
)
def test_what_cannot_be_read_is_refused_naming_where(content: bytes, problem: str) -> None:
    with pytest.raises(FormatError) as refused:
        read(content)
    assert str(refused.value).startswith(problem)


NAMES = (
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
DAYS = st.dates(date(2020, 1, 1), date(2035, 12, 31))


@st.composite
def plan_files(draw: st.DrawFn) -> PlanFile:
    count = draw(st.integers(0, 12))
    uids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    people = draw(st.lists(st.integers(1, 99), max_size=3, unique=True))
    tasks = []
    for index, uid in enumerate(uids):
        start = draw(DAYS)
        finish = start + timedelta(days=draw(st.integers(0, 30)))
        baseline = draw(st.none() | DAYS)
        links = (
            tuple(
                PlanLink(before, draw(st.sampled_from(list(LinkKind))), draw(st.integers(-5, 5)))
                for before in draw(st.lists(st.sampled_from(uids[:index]), unique=True))
                if index
            )
            if index
            else ()
        )
        tasks.append(
            PlanTask(
                uid=uid,
                name=draw(NAMES),
                outline_level=draw(st.integers(1, 4)),
                start=start,
                finish=finish,
                duration_days=draw(st.integers(0, 300)),
                milestone=draw(st.booleans()),
                summary=draw(st.booleans()),
                percent_complete=draw(st.integers(0, 100)),
                baseline_start=baseline,
                baseline_finish=baseline and baseline + timedelta(days=draw(st.integers(0, 9))),
                links=links,
                resource_uid=draw(st.none() | st.sampled_from(people)) if people else None,
            )
        )
    return PlanFile(
        name=draw(NAMES),
        start=draw(st.none() | DAYS),
        weekmask=draw(st.text("01", min_size=7, max_size=7)),
        days_off=tuple(sorted(draw(st.sets(DAYS, max_size=5)))),
        tasks=tuple(tasks),
        resources=tuple(
            PlanResource(uid, draw(NAMES), draw(st.none() | st.just(f"p{uid}@example.com"))) for uid in people
        ),
    )


@settings(max_examples=150, deadline=None)
@given(plan_files())
def test_every_plan_reads_back_as_it_was_written(plan: PlanFile) -> None:
    assert read(write(plan)) == plan


def uploaded_plan(bot: RunningBot) -> PlanFile:
    reply = bot.slack.command("export plan").json()
    assert reply["text"].startswith("Exporting APL: the plan as Microsoft Project XML")
    complete = bot.fake.wait_for("files.completeUploadExternal")[-1]
    (entry,) = complete.args["files"]
    upload = bot.fake.uploaded(entry["id"])
    assert upload is not None and upload.filename.startswith("APL-plan-") and upload.filename.endswith(".xml")
    return read(upload.content)


def test_export_plan_uploads_the_schedule_the_plan_shows_with_links_and_people(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "holidays add 2026-12-10 Company day", user=ADMIN)
    say(bot, "task add Design <@U0003> start 2026-12-02 due 2026-12-04")
    say(bot, "task add Build duration 3d after APL-1 +1d")
    say(bot, "task add Docs start 2026-12-08 due 2026-12-08")
    say(bot, "task link APL-3 starts with APL-2")
    assert say(bot, "milestone add Beta after APL-2").endswith(
        "when APL-2 finishes; it follows that task when it moves."
    )
    plan = uploaded_plan(bot)
    assert plan.name == "APL Apollo" and plan.weekmask == "1111100"
    by_name = {task.name: task for task in plan.tasks}
    design, build, docs, beta = (by_name[name] for name in ("Design", "Build", "Docs", "Beta"))
    # Wed to Fri; a one-day lag skips Monday, and the company day off stretches Build to Friday.
    assert (design.start, design.finish, design.duration_days) == (date(2026, 12, 2), date(2026, 12, 4), 3)
    assert (build.start, build.finish, build.duration_days) == (date(2026, 12, 8), date(2026, 12, 11), 3)
    assert plan.days_off == (date(2026, 12, 10),)
    assert build.links == (PlanLink(design.uid, LinkKind.FINISH_TO_START, 1),)
    assert docs.links == (PlanLink(build.uid, LinkKind.START_TO_START, 0),)
    assert beta.milestone and (beta.start, beta.links) == (build.finish, (PlanLink(build.uid),))
    assert (design.baseline_start, design.baseline_finish) == (date(2026, 12, 2), date(2026, 12, 4))
    owner = next(person for person in plan.resources if person.uid == design.resource_uid)
    assert owner.name != CAROL and owner.name  # her name from the directory, not her id
