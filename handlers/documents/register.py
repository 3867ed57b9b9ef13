"""`/pmo doc add <link> <title> [kind]` and `/pmo docs`: the project's document register."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.blocks import MESSAGE_BLOCKS_MAX, context, fit, header, sections
from bot.formats import fmt_date
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from models.documents.register import KINDS, add_document, project_documents
from models.documents.tables import Document


def read_link(word: str) -> str:
    """A link as Slack sends it (`<https://…>` or `<https://…|label>`) or as typed."""
    return word.strip("<>").split("|", 1)[0]


def parse_add(words: list[str]) -> tuple[str, str, str | None]:
    """`<link> <title…> [kind]`: a last word that names a kind is the kind, unless it is the whole title."""
    if len(words) < 2:
        raise UsageError("documents.add_needs")
    link, rest = read_link(words[0]), words[1:]
    kind = rest[-1].lower() if len(rest) > 1 and rest[-1].lower() in KINDS else None
    title = " ".join(rest[:-1] if kind else rest)
    return link, title, kind


def link_text(text: str) -> str:
    """Text safe inside a Slack link's label."""
    return text.replace("|", "/").replace(">", "›").replace("<", "‹")


def document_line(document: Document, t: Translator, timezone: str) -> str:
    return t(
        "documents.line",
        url=document.url,
        title=link_text(document.title),
        kind=t(f"documents.kind.{document.kind}") if document.kind else t("documents.no_kind"),
        user=document.added_by,
        day=fmt_date(document.created_at.astimezone(ZoneInfo(timezone)).date(), t),
    )


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb(
        "doc", usage="doc add <link> <title> [kind]", example="doc add https://example.com/spec API spec spec"
    )
    def doc_verb(invocation: Invocation) -> Reply:
        ctx, words = invocation.ctx, invocation.words
        if not words or words[0].lower() != "add":
            raise UsageError("documents.bad_args", kinds=", ".join(KINDS))
        link, title, kind = parse_add(words[1:])
        with ctx.db() as db:
            project = invocation.ctx.channel_project(db)
            document = add_document(db=db, actor=ctx.actor, project=project, url=link, title=title, kind=kind)
            return Reply(
                ctx.t(
                    "documents.added", key=project.key, line=document_line(document, ctx.t, project.timezone)
                )
            )

    @router.verb("docs", usage="docs", example="docs", takes_args=False, shareable=True)
    def docs_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        with ctx.db(write=False) as db:
            project = ctx.channel_project(db)
            lines = [document_line(doc, ctx.t, project.timezone) for doc in project_documents(db, project)]
        title = ctx.t("documents.title", key=project.key, name=project.name)
        if not lines:
            return Reply(ctx.t("documents.none", title=title))
        blocks = fit(
            [header(title), *sections(lines)], limit=MESSAGE_BLOCKS_MAX, overflow=context(ctx.t("status.cut"))
        )
        return Reply("\n".join([title, *lines]), blocks=blocks)
