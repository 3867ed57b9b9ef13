"""Closing a project whose channel speaks Chinese, end to end over HTTP on SQLite and PostgreSQL.

Wei (zh-CN) manages 阿波罗, whose channel language is Chinese; Alice and Bob read Slack in
English. The checklist, the acceptance results, the retrospective and the final report (Markdown
and PDF) are in the project's language whoever acts; each lessons DM is in its recipient's; each
person's own answers and forms are in theirs.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from matplotlib.ft2font import FT2Font
from pypdf import PdfReader
from sqlalchemy import select, update

from bot.fonts import cjk_font
from bot.formats import fmt_date
from models import Issue, Task
from models.core.enums import Phase
from tests.support import closing_flows as closing
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import CHANNEL, field_errors, local_today, submit
from tests.support.languages import ZH, chinese_project, english_words, say, texts, zh_date
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, BOB, WEI

CHECKLIST = "APL · 阿波罗 — 收尾清单"
HEADINGS = [
    "章程与实际情况对比",
    "结项时的挣值",
    "里程碑：计划与实际",
    "交付物与验收",
    "风险",
    "问题",
    "质量评审结果",
    "移交事项",
    "经验教训",
    "团队与角色",
    "文档登记册",
    "图表",
]
ALICES_LESSONS = {"went_well": "Early demos", "rating": "5"}
WEIS_LESSONS = {"went_well": "每周演示让发起人安心", "next_time": "尽早签订供应商合同", "rating": "4"}
# Latin a Chinese report may keep: people's names and words, the bot's name, its PDF edition.
TYPED = re.compile(r"Alice Chen|Bob Smith|Early demos|PMO|PDF")


def closing_project(bot: RunningBot) -> None:
    """阿波罗 in Chinese: a finished deliverable (APL-1), open work (APL-2, APL-3), a cost, Alice."""
    start = chinese_project(bot)
    say(bot, "team add <@U0001> member 50%")
    say(bot, "budget set 人力 100000")
    say(bot, "cost 1200 人力 外包顾问")
    first, second = zh_date(start + timedelta(days=1)), zh_date(start + timedelta(days=5))
    say(bot, f"task add 设计接口 <@U0005|wei> start {first} due {second} est 16")
    say(bot, f"task add 编写文档 <@U0001|alice> start {first} due {zh_date(start + timedelta(days=30))}")
    say(bot, f"task add 压力测试 <@U0005|wei> start {second} due {zh_date(start + timedelta(days=40))}")
    with bot.database.system_session() as db:
        db.execute(update(Task).where(Task.number == 1).values(is_deliverable=True))
    assert say(bot, "done APL-1").startswith("*APL-1* 设计接口 · 已完成")


def lessons_dm(bot: RunningBot, user: str) -> dict:
    return next(c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == user)


@SQLITE_ONLY
def test_closing_a_chinese_project_speaks_chinese_in_its_channel(bot: RunningBot) -> None:
    closing_project(bot)
    started = bot.slack.command("close", user=WEI).json()
    assert started["response_type"] == "in_channel"
    assert started["text"].startswith("<@U0005> 启动了 APL 的收尾：")

    # The checklist is Chinese through and through: title, groups, lines and buttons.
    closing.wait_until(lambda: bool(closing.checklist_posts(bot, CHECKLIST)))
    checklist = closing.checklist_posts(bot, CHECKLIST)[0]
    shown = texts(checklist["blocks"])
    assert "*未完成的任务（2）*" in shown and "*尚未验收的交付物（1）*：由 <@U0002> 验收、退回或豁免" in shown
    assert {"完成", "取消", "移交", "验收", "退回", "豁免"} <= set(shown)
    assert english_words(" ".join(shown)) == [], english_words(" ".join(shown))

    # Lessons are asked in each person's own language.
    closing.wait_until(
        lambda: all(closing.has_dm_button(bot, user, "lessons_answer") for user in (WEI, ALICE, BOB))
    )
    to_wei, to_alice = lessons_dm(bot, WEI), lessons_dm(bot, ALICE)
    assert to_wei["text"].startswith("🎓 *APL* 阿波罗 即将收尾。哪些做得好？")
    assert closing.dm_button(bot, WEI, "lessons_answer")["text"]["text"] == "填写经验教训"
    assert to_alice["text"].startswith("🎓 *APL* 阿波罗 is closing. What went well")
    assert closing.dm_button(bot, ALICE, "lessons_answer")["text"]["text"] == "Give my lessons"

    # Wei settles the open work, then Bob (English) decides in English forms: the channel, and
    # the checklist his decisions edit, stay Chinese.
    assert closing.click(bot, "closing_carry", "APL-2", user=WEI).startswith(
        "➡️ <@U0005> 处理了 *APL-2* 编写文档：已移交"
    )
    closing.click(bot, "closing_cancel", "APL-3", user=WEI)
    form = closing.clicked_open(bot, "deliverable_send_back", "APL-1", BOB)
    assert form is not None and form["title"]["text"] == "Send back deliverable"
    assert field_errors(submit(bot, form, {"note": "缺少接口文档"}, user=BOB)) == {}
    closing.wait_until(
        lambda: any(
            text.startswith("↩️ <@U0002> 退回了 *APL-1* 设计接口：_缺少接口文档_")
            for text in closing.channel_texts(bot)
        )
    )
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Issue.title).where(Issue.number == 1)).one() == "APL-1 被退回：缺少接口文档"
    assert (
        closing.click(bot, "closing_finish", "APL-1", user=WEI)
        == "✅ <@U0005> 处理了 *APL-1* 设计接口：已完成。"
    )
    closing.resolve_at_closing(bot, "APL-I1", "补上了接口文档", user=WEI)
    form = closing.clicked_open(bot, "deliverable_accept", "APL-1", BOB)
    assert form is not None and field_errors(submit(bot, form, {"note": None}, user=BOB)) == {}
    closing.wait_until(lambda: "✅ <@U0002> 验收了 *APL-1* 设计接口" in closing.channel_texts(bot))
    closing.wait_until(lambda: "所有事项都已处理" in closing.checklist_posts(bot, CHECKLIST)[-1]["text"])
    assert english_words(" ".join(texts(closing.checklist_posts(bot, CHECKLIST)[-1]["blocks"]))) == []

    # Alice answers in her English form, Wei in his Chinese one: one Chinese retrospective.
    for user, title, values in ((ALICE, "Lessons learned", ALICES_LESSONS), (WEI, "经验教训", WEIS_LESSONS)):
        form = closing.lessons_form(bot, user)
        assert form["title"]["text"] == title
        assert field_errors(submit(bot, form, values, user=user)) == {}
    closing.wait_until(lambda: len(retrospectives(bot)) == 2)
    assert retrospectives(bot) == [
        "APL · 阿波罗 — 项目复盘\n1份反馈 · 平均5.0分（满分5分）",
        "APL · 阿波罗 — 项目复盘\n2份反馈 · 平均4.5分（满分5分）",
    ]

    # A PMO administrator (English) closes it: the channel reads Chinese.
    closed = bot.slack.command("phase closed", user=ADMIN).json()
    assert closed["text"].startswith("<@U0009> 已将 APL 推进到已关闭阶段。\n项目已归档，即日起只读")
    assert closing.project(bot).phase is Phase.CLOSED
    check_chinese_report(bot)


def retrospectives(bot: RunningBot) -> list[str]:
    """The retrospective as the channel saw it: posted once, then edited."""
    return [
        call.args["text"]
        for call in bot.fake.calls
        if call.method in ("chat.postMessage", "chat.update")
        and call.args.get("channel") == CHANNEL
        and str(call.args.get("text")).startswith("APL · 阿波罗 — 项目复盘")
    ]


def check_chinese_report(bot: RunningBot) -> None:
    complete = bot.fake.wait_for("files.completeUploadExternal", timeout=60)[-1].args
    assert (
        complete["initial_comment"] == "📘 APL · 阿波罗 — 结项报告：移交1项，经验教训2条。由 <@U0009> 生成。"
    )
    today = local_today()
    stem = f"APL-report-{today.isoformat()}"
    markdown = bot.fake.uploaded_bytes(f"{stem}.md").decode()
    assert markdown.startswith(f"# APL · 阿波罗 — 结项报告\n\n关闭于{fmt_date(today, ZH)}。项目经理：李伟。")
    assert [line.split(". ", 1)[1] for line in markdown.splitlines() if line.startswith("## ")] == HEADINGS
    assert "| 预算 / 已花费 | 120,000.00 欧元 | 120,000.00 欧元 | 1,200.00 欧元 |" in markdown
    assert f"| Alice Chen | 成员 | — | 50% | — | {fmt_date(today, ZH)} |" in markdown
    assert "| APL-1 | 设计接口 | 已验收 | Bob Smith | — |" in markdown
    assert "做得好：每周演示让发起人安心" in markdown
    assert english_words(TYPED.sub("", markdown)) == [], english_words(TYPED.sub("", markdown))

    pdf = PdfReader(io.BytesIO(bot.fake.uploaded_bytes(f"{stem}.pdf")))
    # pypdf reads each two-byte glyph code of the CJK font with a NUL before it (poppler's
    # pdftotext does not) and breaks lines where the PDF does: both are dropped before comparing.
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in pdf.pages))
    for words in ("APL·阿波罗—结项报告", "章程与实际情况对比", "经验教训", "每周演示让发起人安心", "李伟"):
        assert words in text, words
    # …set in the CJK font, embedded (as a subset) in the file.
    chinese_font = cjk_font()
    assert chinese_font is not None
    embedded = {str(font["/BaseFont"]) for page in pdf.pages for font in page["/Resources"]["/Font"].values()}
    family = FT2Font(str(chinese_font)).family_name.replace(" ", "")
    assert any(family in name for name in embedded), (family, embedded)
