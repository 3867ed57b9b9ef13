"""What the pretend Slack answers: HTTP answers, and the ok:false refusals Slack gives."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Problems = list[str]
JsonDict = dict[str, Any]


class SlackError(Exception):
    """An ok:false answer.

    With problems, the app broke Slack's contract and each problem becomes a violation. Without,
    it is an answer real Slack gives to well-formed calls too (user_not_found, invalid_code), which
    the app must cope with but is not at fault for.
    """

    def __init__(self, error: str, *problems: str, status: int = 200) -> None:
        super().__init__(error)
        self.error = error
        self.problems = problems
        self.status = status

    def answer(self) -> Answer:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.problems:
            # Slack explains schema errors this way; it makes a failing test's log readable.
            body["response_metadata"] = {"messages": [f"[ERROR] {p}" for p in self.problems]}
        return Answer.json(body, status=self.status)


def reject_if(problems: Problems, error: str) -> None:
    if problems:
        raise SlackError(error, *problems)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer; `payload` keeps the JSON so calls can record what the app was told."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    payload: JsonDict = field(default_factory=dict)

    @classmethod
    def json(
        cls, payload: JsonDict, *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Answer:
        body = json.dumps(payload).encode()
        return cls(status, body, headers=headers or {}, payload=payload)

    @classmethod
    def text(cls, text: str, *, status: int = 200) -> Answer:
        return cls(status, text.encode(), content_type="text/plain; charset=utf-8")
