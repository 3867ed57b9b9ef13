"""`/pmo phase <next> [override <reason>]`: moving a project through its gates."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import header, section
from bot.i18n import Translator
from bot.runtime import Runtime
from handlers.closing.close import after_phase_move
from handlers.slack.command import CommandRouter, Invocation, Reply, UsageError
from handlers.slack.forms import read_term
from models.core.enums import Phase
from models.core.errors import Termed
from models.phases.checks import GateReport, gate_report
from models.phases.gates import GateClosedError, move_phase, next_phase
from models.projects.tables import Project

OVERRIDE = "override"


def read_phase(word: str) -> Phase:
    """A phase by its name in any of the bot's languages: `planning` and `规划` are the same."""
    phase = read_term(word, Phase, "phase")
    if phase is None:
        raise UsageError("phase.unknown", given=word, phases=Termed("phase", list(Phase)))
    return phase


def parse_phase_args(words: list[str]) -> tuple[Phase | None, str | None]:
    """`[phase] [override <reason…>]`; no phase shows where the project stands."""
    if not words:
        return None, None
    target = read_phase(words[0])
    rest = words[1:]
    if not rest:
        return target, None
    if rest[0].lower() != OVERRIDE:
        raise UsageError("phase.bad_args")
    reason = " ".join(rest[1:]).strip()
    if not reason:
        raise UsageError("phase.override_needs_reason")
    return target, reason


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    @router.verb("phase", usage="phase [next phase] [override <reason>]", example="phase planning")
    def phase_verb(invocation: Invocation) -> Reply:
        ctx = invocation.ctx
        target, reason = parse_phase_args(invocation.words)
        with ctx.db() as db:
            project = ctx.channel_project(db)
            if target is None:
                return where_it_stands(ctx.t, project, gate_report(db, project))
            try:
                overridden = move_phase(
                    db=db, actor=ctx.actor, project=project, target=target, override_reason=reason
                )
            except GateClosedError as closed:
                lines = [ctx.t(gap.key, **gap.params) for gap in closed.gaps]
                text = ctx.t("phase.gate_closed", key=project.key, phase=ctx.t(f"phase.{target.value}"))
                hint = ctx.t("phase.override_hint", phase=target.value)
                return Reply(
                    text,
                    blocks=[section(text), section("\n".join(f"• {line}" for line in lines)), section(hint)],
                )
        # Said in the channel, so in the project's language.
        t = ctx.t_project(project)
        phase = t(f"phase.{target.value}")
        follows = after_phase_move(ctx, project, target, t)
        if overridden:
            text = t("phase.moved_override", user=ctx.user_id, key=project.key, phase=phase, reason=reason)
        else:
            text = t("phase.moved", user=ctx.user_id, key=project.key, phase=phase)
        return Reply(f"{text}\n{follows}" if follows else text, in_channel=True)


def where_it_stands(t: Translator, project: Project, report: GateReport) -> Reply:
    """The current phase, and each check of the gate to the next one: which pass, which don't."""
    upcoming = next_phase(project.phase)
    title = t("phase.current", key=project.key, phase=t(f"phase.{project.phase.value}"))
    if upcoming is None:
        return Reply(title)
    phase = t(f"phase.{upcoming.value}")
    lines = [
        t("phase.gate_template", phase=phase, template=project.template_name)
        if report.from_template
        else t("phase.gate_standard", phase=phase)
    ]
    for result in report.results:
        check = t(f"gate.check.{result.check.value}")
        lines.append(t("phase.check_passed" if result.passed else "phase.check_failed", check=check))
        lines += [t("phase.check_gap", gap=t(gap.key, **gap.params)) for gap in result.gaps]
    if not report.gaps:
        lines.append(t("phase.next_ready", phase=phase, command=f"/pmo phase {upcoming.value}"))
    body = "\n".join(lines)
    return Reply(f"{title}\n{body}", blocks=[header(title), section(body)])
