"""A modal, asked field by field: label, hint and current value shown, options numbered.

What is typed becomes the element state Slack would submit (a chosen option, a user id, ticked
boxes), so the app receives the same view_submission it gets from Slack. When it answers with
errors, only those fields are asked again, beside their error, and the rest is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

from bot.console.directory import Directory
from bot.console.render import INDENT, Renderer
from bot.console.terminal import Terminal
from bot.i18n import Translator
from bot.slack_payloads import initial_value, input_blocks, view_state

JsonDict = dict[str, Any]
SUBMIT, CANCEL, CLEAR = ":submit", ":cancel", "-"
QUIT = (":quit", ":q", ":exit")
CHOICES = ("static_select", "checkboxes")


class Outcome(Enum):
    ANSWERED = "answered"
    SUBMIT = "submit"
    CANCEL = "cancel"


class AnswerError(ValueError):
    """Typed text that no element could hold: a 7th option of five, someone not in the workspace."""


def words(text: str, separators: str) -> list[str]:
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


def options_of(block: JsonDict) -> list[JsonDict]:
    options: list[JsonDict] = block["element"].get("options", [])
    return options


class FieldReader:
    """Typed text to the value an element holds, and a value back to what a person reads."""

    def __init__(self, directory: Directory, t: Translator) -> None:
        self.directory, self.t = directory, t

    def read(self, block: JsonDict, typed: str) -> str | None:
        text = typed.strip()
        if text == CLEAR:
            return None
        readers: dict[str, Callable[[], str]] = {
            "static_select": lambda: self.option(block, text)["value"],
            "checkboxes": lambda: ",".join(self.option(block, part)["value"] for part in words(text, ",")),
            "users_select": lambda: self.user(text),
            "multi_users_select": lambda: ",".join(self.user(part) for part in words(text, ", ")),
            "datepicker": lambda: self.date(text),
        }
        reader = readers.get(block["element"]["type"])
        return reader() if reader else text.replace("\\n", "\n")

    def date(self, text: str) -> str:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise AnswerError(self.t("console.modal.bad_date")) from None

    def option(self, block: JsonDict, text: str) -> JsonDict:
        options = options_of(block)
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        wanted = text.lower()
        for item in options:
            if wanted in (item["value"].lower(), item["text"]["text"].lower()):
                return item
        raise AnswerError(self.t("console.modal.bad_option", last=len(options)))

    def user(self, text: str) -> str:
        person = self.directory.person(text)
        if person is None:
            names = ", ".join("@" + p.name for p in self.directory.people.values())
            raise AnswerError(self.t("console.modal.bad_user", given=text, people=names))
        return person.user_id

    def shown(self, block: JsonDict, value: str | None) -> str:
        if not value:
            return ""
        kind = block["element"]["type"]
        if kind in CHOICES:
            texts = {item["value"]: item["text"]["text"] for item in options_of(block)}
            return ", ".join(texts.get(part, part) for part in value.split(","))
        if kind in ("users_select", "multi_users_select"):
            return ", ".join("@" + self.directory.user_name(part) for part in value.split(","))
        return value.replace("\n", "\\n")


class ModalForm:
    """One open modal and what has been typed into it so far."""

    def __init__(self, view: JsonDict, terminal: Terminal, renderer: Renderer, t: Translator) -> None:
        self.view, self.terminal, self.renderer, self.t = view, terminal, renderer, t
        self.reader = FieldReader(renderer.directory, t)
        self.inputs = input_blocks(view)
        self.values: dict[str, str | None] = {bid: initial_value(block) for bid, block in self.inputs.items()}

    @property
    def title(self) -> str:
        return self.renderer.text(self.view.get("title"))

    def state(self) -> JsonDict:
        return view_state(self.view, self.values)

    def fill(self, answers: dict[str, str]) -> None:
        """Answers given by field name (a script's), read as if typed; a wrong one is an error."""
        unknown = set(answers) - set(self.inputs)
        if unknown:
            raise AnswerError(f"no such fields in {self.title}: {sorted(unknown)}")
        for block_id, typed in answers.items():
            self.values[block_id] = self.reader.read(self.inputs[block_id], typed)

    def ask_all(self) -> Outcome:
        submit = self.renderer.text(self.view.get("submit") or {"text": "Submit"})
        self.terminal.say(self.t("console.modal.title", title=self.title, submit=submit))
        for n, block in enumerate(self.view.get("blocks", [])):
            if block.get("type") != "input":
                self.terminal.say(*self.renderer.block(block, block.get("block_id") or f"b{n}", None))
                continue
            outcome = self.ask(block)
            if outcome is not Outcome.ANSWERED:
                return outcome
        return Outcome.SUBMIT

    def ask_again(self, errors: dict[str, str]) -> Outcome:
        """The fields the app refused, each beside its error; the rest keep what was typed."""
        stray = [message for block_id, message in errors.items() if block_id not in self.inputs]
        for message in stray:
            self.terminal.say(f"{INDENT}✗ {self.renderer.text(message)}")
        for block_id, block in self.inputs.items():
            if block_id not in errors:
                continue
            label, error = self.renderer.text(block["label"]), self.renderer.text(errors[block_id])
            self.terminal.say(f"{INDENT}✗ {label}: {error}")
            outcome = self.ask(block)
            if outcome is not Outcome.ANSWERED:
                return outcome
        return Outcome.SUBMIT

    def ask(self, block: JsonDict) -> Outcome:
        """One field, asked until what is typed fits it."""
        if "hint" in block:
            self.terminal.say(f"{INDENT}({self.renderer.text(block['hint'])})")
        if block["element"]["type"] in CHOICES:
            listed = "  ".join(f"{n}) {o['text']['text']}" for n, o in enumerate(options_of(block), 1))
            self.terminal.say(INDENT + listed)
        while True:
            typed = self.terminal.ask(self.prompt(block))
            if typed is not None and typed.strip() in QUIT:
                self.terminal.quitting = True
            if typed is None or typed.strip() == CANCEL or self.terminal.quitting:
                return Outcome.CANCEL
            if typed.strip() == SUBMIT:
                return Outcome.SUBMIT
            if not typed.strip():
                return Outcome.ANSWERED
            try:
                self.values[block["block_id"]] = self.reader.read(block, typed)
            except AnswerError as error:
                self.terminal.say(f"{INDENT}✗ {error}")
                continue
            return Outcome.ANSWERED

    def prompt(self, block: JsonDict) -> str:
        label = self.renderer.text(block["label"]) + ("" if block.get("optional") else "*")
        current = self.reader.shown(block, self.values.get(block["block_id"]))
        return f"{label} [{current}]: " if current else f"{label}: "
