"""The console's prompt: a slash command as in Slack, `click N`, or one of the `:` commands."""

from __future__ import annotations

from collections.abc import Callable

from bot.console.modal import QUIT
from bot.console.session import Session
from bot.console.travel import MomentError, read_moment
from bot.i18n import language_for_locale, language_name
from models.core.clock import utcnow


def run(session: Session) -> None:
    """Read and act on lines until `:quit` or the end of the input."""
    terminal = session.terminal
    while not terminal.quitting:
        line = terminal.ask(session.prompt())
        if line is None or line.strip() in QUIT:
            return
        handle(session, line.strip())


def handle(session: Session, line: str) -> None:
    if not line or line.startswith("#"):  # a blank line, or a script's comment
        return
    if line.startswith("/"):
        session.command(line)
        return
    word, _, rest = line.partition(" ")
    word = word.lower()
    # `click 2` reads as in the issue that asked for it; everything else of the console's is `:…`.
    action = (
        COMMANDS.get(word[1:]) if word.startswith(":") else COMMANDS.get(word) if word == "click" else None
    )
    if action is None:
        session.terminal.say(session.t("console.unknown", line=line))
        return
    action(session, rest.strip())


def act_as(session: Session, who: str) -> None:
    person = session.directory.person(who) if who else None
    if person is None:
        people = ", ".join(
            f"@{p.name} ({p.real_name}, {p.tz}, {language_name(language_for_locale(p.locale))})"
            for p in session.directory.people.values()
        )
        session.terminal.say(session.t("console.people", people=people))
        return
    session.user = person.user_id
    session.terminal.say(session.t("console.now_as", person=f"@{person.name}", tz=person.tz))


def go_to(session: Session, where: str) -> None:
    name = where.removeprefix("#")
    try:
        session.channel = session.directory.channel(name)
    except ValueError:
        session.terminal.say(session.t("console.bad_channel", given=where))


def travel(session: Session, when: str) -> None:
    if not when:
        session.terminal.say(session.t("console.time.show", when=session.clock_text()))
        return
    if when.lower() == "now":
        session.back_to_now()
        return
    tz = session.directory.people[session.user].tz
    try:
        moment = read_moment(when, tz=tz, now=utcnow())
    except MomentError:
        session.terminal.say(session.t("console.time.bad", given=when))
        return
    session.travel(moment)


def click(session: Session, ref: str) -> None:
    if not ref:
        session.terminal.say(session.t("console.click_what"))
        return
    session.click(ref)


def home(session: Session, rest: str) -> None:
    session.home()


def show_help(session: Session, rest: str) -> None:
    session.terminal.say(session.t("console.help", files=session.feed.files_dir))


COMMANDS: dict[str, Callable[[Session, str], None]] = {
    "as": act_as,
    "in": go_to,
    "time": travel,
    "click": click,
    "home": home,
    "help": show_help,
}
