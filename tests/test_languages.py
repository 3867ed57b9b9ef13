"""Speaking the team's language, end to end over HTTP.

Wei reads Slack in Simplified Chinese (zh-CN), everyone else in English. Each person is
answered in their own language, a project's channel reads the project's, and scheduled DMs
the recipient's; dates and money are written the way each language writes them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.formats import fmt_date
from bot.i18n import Translator
from models import Project, Task
from models.core.database import Database
from models.core.workspace import SlackUser
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.digests import channel_posts, digests
from tests.support.fakeslack import FakeSlack
from tests.support.flows import CHANNEL, count_rows, field_errors, local_today, open_modal, submit
from tests.support.languages import ZH, chinese_project, english_words, say, texts
from tests.support.reminders import reminder_dms, reminders
from tests.support.served import RunningBot, make_settings, serving
from tests.support.workspace import ALICE, BOB, TEAM, WEI

# Wording and dates: what they read are queries the tests on both databases cover.
pytestmark = SQLITE_ONLY


def next_week_friday(today: date) -> date:
    """What 下周五 means: Friday of next calendar week."""
    return today + timedelta(days=7 - today.weekday() + 4)


def test_the_charter_to_status_flow_in_chinese(bot: RunningBot) -> None:
    view = open_modal(bot, "new", user=WEI)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "新建项目章程",
        "创建项目",
        "取消",
    )
    inputs = {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}
    assert inputs["name"]["label"]["text"] == "项目名称"
    assert inputs["start_date"]["element"]["placeholder"]["text"].startswith("例如：下周一")
    language = inputs["language"]["element"]
    assert language["initial_option"] == {
        "text": {"type": "plain_text", "text": "简体中文", "emoji": True},
        "value": "zh-CN",
    }
    assert [option["text"]["text"] for option in language["options"]] == ["English", "简体中文"]

    # A date the form can't read is refused beside its field, in Chinese, and nothing is made.
    errors = field_errors(
        submit(bot, view, {"name": "阿波罗", "key": "APL", "start_date": "某一天"}, user=WEI)
    )
    assert errors["start_date"].startswith("看不懂日期 `某一天`")
    assert count_rows(bot.database, Project) == 0

    start = chinese_project(bot)
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.language)).one() == "zh-CN"
    post = bot.fake.wait_for("chat.postMessage")[-1]
    assert post.args["channel"] == CHANNEL and post.args["text"] == "APL · 阿波罗 — 项目章程"
    charter = str(post.args["blocks"])
    assert f"*开始：* {fmt_date(start, ZH)}" in charter
    assert re.search(r"\*开始：\* \d{4}年\d{1,2}月\d{1,2}日（周[一二三四五六日]）", charter)
    assert "*预算：* 120,000.00 欧元" in charter and "*语言：* 简体中文" in charter
    assert english_words(" ".join(texts(post.args["blocks"])).replace("Asia/Shanghai", "")) == []

    due = next_week_friday(local_today())
    added = say(bot, "task add 设计接口 <@U0005|wei> due 下周五 est 16")
    assert added.startswith("已添加 *APL-1* 设计接口 · 负责人：<@U0005> · 开始：")
    assert added.endswith(f" · 截止：{fmt_date(due, ZH)} · 估算16小时")
    # An English date reads the same for a Chinese speaker.
    assert "截止：" in say(bot, "task add 联调测试 due next friday")
    assert "看不懂日期 `某一天`" in say(bot, "task add 上线 due 某一天")
    assert count_rows(bot.database, Task) == 2

    status = say(bot, "status")
    title = status.splitlines()[0]
    assert re.fullmatch(r"\S+ APL · 阿波罗 — [绿黄红]色", title), title
    assert "*阶段* 启动 · *进度* 2项任务已完成0项" in status
    assert "*预算* 已花费 0.00 欧元，总预算 120,000.00 欧元 · 剩余 120,000.00 欧元" in status
    assert english_words(status) == [], english_words(status)

    # Alice reads the same project's status in her own language.
    english = say(bot, "status", user=ALICE)
    assert "*Phase* initiation · *Progress* 0 of 2 tasks done" in english
    assert "*Budget* spent 0.00 EUR of 120,000.00 EUR" in english


def test_a_chinese_gantt_chart_draws_every_character(bot: RunningBot) -> None:
    chinese_project(bot)
    say(bot, "task add 设计接口 <@U0005|wei> start 2026年12月1日 due 2026年12月4日")
    say(bot, "task add 实现后端服务 <@U0005|wei> start 2026年12月7日 due 2026年12月11日 after APL-1")
    say(bot, "milestone add 试运行 due 2026年12月15日")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert say(bot, "gantt") == "正在绘制 APL 的甘特图，稍后发到这里。"
        complete = bot.fake.wait_for("files.completeUploadExternal", timeout=20)[-1]
    assert complete.args["initial_comment"] == "为 <@U0005> 生成的 APL 甘特图：2项任务、1个里程碑。"
    upload = bot.fake.uploaded(complete.args["files"][0]["id"])
    assert upload is not None and upload.filename == f"APL-gantt-{local_today().isoformat()}.png"
    assert upload.content.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_channel_posts_speak_the_project_language_whoever_acts(bot: RunningBot) -> None:
    chinese_project(bot)
    say(bot, "team add <@U0001> member")
    # Alice raises a high risk: she is told in English, the channel in Chinese.
    view = open_modal(bot, "risk", user=ALICE)
    assert view["title"]["text"] == "Raise a risk"
    submit(bot, view, {"title": "Vendor late", "probability": "5", "impact": "4"}, user=ALICE)
    ephemeral = bot.fake.wait_for("chat.postEphemeral")[-1].args
    assert ephemeral["user"] == ALICE and ephemeral["text"].startswith("Raised *APL-R1* Vendor late")
    announced = [
        c.args["text"] for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL
    ]
    assert announced[-1] == "⚠️ <@U0001> 登记了风险 *APL-R1*，分数20，请团队关注。"


def test_the_weekly_digest_goes_out_in_the_project_language(bot: RunningBot) -> None:
    chinese_project(bot)
    monday = local_today() + timedelta(days=7 - local_today().weekday())
    digests(bot, f"{monday.isoformat()}T01:05+00:00")  # 09:05 in Shanghai
    digest = channel_posts(bot)[-1]
    week = monday.isocalendar()
    assert digest.startswith(f"📰 APL · 阿波罗 — {week.year}年第{week.week}周")
    assert english_words(digest) == [], digest


def test_scheduled_dms_speak_the_recipients_language(bot: RunningBot) -> None:
    create(bot)  # Alice's project, in English
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.language)).one() == "en"
    say(bot, "team add <@U0005> member", user=ALICE)
    say(bot, "task add Build <@U0005|wei> start 2026-12-01 due 2026-12-04", user=ALICE)
    reminders(bot, "2026-12-07T01:10+00:00")  # Monday 09:10 in Shanghai
    assert reminder_dms(bot, WEI) == ["⏰ 你有1项逾期事项："]
    dm = next(c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == WEI)
    assert "*APL-1* Build · APL · 截止：2026年12月4日（周五） · 已逾期3天" in str(dm["blocks"])
    buttons = [e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["完成", "推迟1天", "改截止日期"]


def test_a_charter_edit_changes_the_channel_language_and_refuses_a_forged_one(bot: RunningBot) -> None:
    create(bot)
    # Alice writes a date in Chinese; her answer is in English.
    today = local_today()
    december_15 = (
        date(today.year, 12, 15) if today <= date(today.year, 12, 15) else date(today.year + 1, 12, 15)
    )
    added = say(bot, "task add Specs due 12月15日", user=ALICE)
    assert added.endswith(f"· due {fmt_date(december_15, Translator('en'))}"), added
    view = open_modal(bot, "charter edit", user=ALICE)
    errors = field_errors(submit(bot, view, {"language": "xx-forged"}, user=ALICE))
    assert errors == {"language": "Choose one of the languages in the list."}
    view = open_modal(bot, "charter edit", user=ALICE)
    assert field_errors(submit(bot, view, {"language": "zh-CN"}, user=ALICE)) == {}
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Project.language)).one() == "zh-CN"
    edited = bot.fake.wait_for("chat.postMessage", 2)[-1].args
    assert edited["channel"] == CHANNEL
    assert edited["text"] == "<@U0001> 修改了章程：\n• 频道语言：English → 简体中文"
    # Answers to Alice stay in English.
    assert say(bot, "charter", user=ALICE).startswith("APL · Apollo — charter")


@pytest.fixture
def chinese_workspace(fake_slack: FakeSlack, database: Database, database_url: str) -> Iterator[RunningBot]:
    """A bot whose workspace default (PMO_LANGUAGE) is Chinese."""
    fake_slack.add_user(
        TEAM, "U0007", name="amelie", real_name="Amélie Roux", tz="Europe/Paris", locale="fr-FR"
    )
    settings = make_settings(fake_slack, database_url, pmo_language="zh-CN")
    with serving(create_app(settings, database=database), fake_slack) as running:
        yield running


def test_the_workspace_default_serves_who_slack_gives_no_language_of_ours(
    chinese_workspace: RunningBot,
) -> None:
    bot = chinese_workspace
    assert say(bot, "help", user="U0007").startswith("PMO 机器人：可以这样用")
    assert say(bot, "help", user=BOB).startswith("PMO bot: what you can ask")
    # The locale is asked of Slack once and kept: later requests read it from the cache.
    say(bot, "help", user="U0007")
    asked = [c for c in bot.fake.calls_to("users.info") if c.args.get("user") == "U0007"]
    assert len(asked) == 1 and asked[0].args.get("include_locale") in (True, "true", "1")
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(SlackUser.locale).where(SlackUser.user_id == "U0007")).one() == "fr-FR"
