"""The standup's own questions in Slack: their part of `/pmo standup config`, the answer form's
fields and how the summary shows the answers."""

from __future__ import annotations

from typing import Any

from bot.blocks import Block, choices_input, option, section, text_input
from bot.formats import fmt_list
from bot.i18n import Translator, available_languages, language_name
from handlers.slack.forms import FormReader
from models.standups.questions import QUESTION_MAX, QUESTIONS_MAX, Question

REQUIRED = "required"
BLOCKER = "blocker"


def _text_field(n: int, language: str) -> str:
    return f"q{n}_{language}"


def question_blocks(t: Translator, questions: list[Question] | None) -> list[Block]:
    """Five questions, each in every language the bot speaks; all blank is the standard three."""
    given = questions or []
    blocks: list[Block] = [section(t("standups.questions_intro", most=QUESTIONS_MAX))]
    for n in range(1, QUESTIONS_MAX + 1):
        question = given[n - 1] if n <= len(given) else None
        for language in available_languages():
            blocks.append(
                text_input(
                    _text_field(n, language),
                    t("standups.question_label", n=n, language=language_name(language)),
                    initial=question.text.get(language) if question else None,
                    optional=True,
                    max_length=QUESTION_MAX,
                )
            )
        flags = [name for name in (REQUIRED, BLOCKER) if question and getattr(question, name)]
        blocks.append(
            choices_input(
                f"q{n}_flags",
                t("standups.question_flags", n=n),
                [option(t(f"standups.question_{name}"), name) for name in (REQUIRED, BLOCKER)],
                initial=flags,
            )
        )
    return blocks


def read_questions(reader: FormReader) -> list[Question]:
    """The questions written in the form, in order; a blank question is left out."""
    questions = []
    for n in range(1, QUESTIONS_MAX + 1):
        text = {
            language: value
            for language in available_languages()
            if (value := reader.text(_text_field(n, language)))
        }
        flags = (reader.text(f"q{n}_flags") or "").split(",")
        if text:
            questions.append(Question(text=text, required=REQUIRED in flags, blocker=BLOCKER in flags))
    return questions


def answer_blocks(t: Translator, questions: list[Question]) -> list[Block]:
    return [
        text_input(f"a{n}", question.in_language(t.language), multiline=True, optional=not question.required)
        for n, question in enumerate(questions, start=1)
    ]


def read_own_answers(values: dict[str, str | None]) -> list[str | None] | None:
    """Answers to the project's own questions, or None when the form asked the standard three."""
    if "a1" not in values:
        return None
    return [values.get(f"a{n}") for n in range(1, QUESTIONS_MAX + 1)]


def answer_lines(t: Translator, answers: list[dict[str, Any]]) -> list[str]:
    """Each answer under its question as it was asked, in the reader's language."""
    return [
        t(
            "standups.said.asked",
            question=Question(text=kept["question"]).in_language(t.language),
            text=kept["answer"],
        )
        for kept in answers
    ]


def prompt_questions(t: Translator, questions: list[Question]) -> str:
    return " ".join(question.in_language(t.language) for question in questions)


def question_list(t: Translator, questions: list[Question] | None) -> str:
    """The questions as the channel is told of them, each with what it asks of the answer."""
    if not questions:
        return t("standups.questions_standard")
    lines = []
    for n, question in enumerate(questions, start=1):
        flags = [t(f"standups.question_{name}") for name in (REQUIRED, BLOCKER) if getattr(question, name)]
        line = t("standups.question_line", n=n, question=question.in_language(t.language))
        lines.append(t("standups.question_flagged", line=line, flags=fmt_list(flags, t)) if flags else line)
    return "\n".join(lines)
