"""What the soak's people do: commands, forms, clicks and standup answers, each drawn from the seed.

Each save carries a marker (its title, or its standup answer) that names it in the database, so
the checks can count every save the client was told about.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.soak_client import Client, Exchange
from benchmarks.soak_world import TASKS, Person, World

ANSWER_ACTION = "standup_answer"  # the button in a standup prompt


@dataclass(frozen=True)
class Act:
    kind: str
    person: Person
    marker: str
    twice: bool  # a double click: the same request at once to the other replica
    replay: bool  # the same request again later


# What a working day sends, by weight: reading, adding tasks and risks, answering standups, ticking tasks off.
WEIGHTS = {"status": 3, "task": 4, "risk": 3, "standup": 3, "done": 2}


def draw_acts(
    rng: random.Random, world: World, count: int, serial: int, *, doubled: float, replayed: float
) -> list[Act]:
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    return [
        Act(
            rng.choices(kinds, weights)[0],
            rng.choice(world.people),
            f"Soak {serial + n:05d}",
            rng.random() < doubled,
            rng.random() < replayed,
        )
        for n in range(count)
    ]


@dataclass
class People:
    """Carries out acts through the client; remembers which standup prompts were answered."""

    client: Client
    rng: random.Random
    answered: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def act(self, act: Act) -> Exchange | None:
        doing: dict[str, Callable[[Act], Exchange | None]] = {
            "status": self.status,
            "task": self.task,
            "risk": self.risk,
            "standup": self.standup,
            "done": self.done,
        }
        return doing[act.kind](act)

    def status(self, act: Act) -> Exchange:
        person = act.person
        return self.client.command(
            person.user, person.project.channel, "status", kind="status", twice=act.twice
        )

    def task(self, act: Act) -> Exchange:
        person = act.person
        text = f"task add {act.marker} <@{person.user}> due in {self.rng.randint(1, 9)} days"
        return self.client.command(
            person.user, person.project.channel, text, kind="task", marker=act.marker, twice=act.twice
        )

    def risk(self, act: Act) -> Exchange | None:
        person = act.person
        view = self.client.open_modal(person.user, person.project.channel, "risk")
        if view is None:
            return None  # Slack could not open it: there is nothing to submit
        values = {"title": act.marker, "probability": "3", "impact": "4"}
        return self.client.submit(person.user, view, values, kind="risk", marker=act.marker, twice=act.twice)

    def standup(self, act: Act) -> Exchange | None:
        """Answer the newest standup prompt this person has not answered yet."""
        person = act.person
        prompt = self.newest_prompt(person.user)
        if prompt is None:
            return self.status(act)
        _, trigger = self.client.click(person.user, person.user, ANSWER_ACTION, prompt, kind="open standup")
        view = self.client.opened(trigger)
        if view is None:
            return None
        values = {"yesterday": act.marker, "today": "Soak work", "blockers": None}
        return self.client.submit(
            person.user, view, values, kind="standup", marker=act.marker, twice=act.twice
        )

    def done(self, act: Act) -> Exchange:
        person = act.person
        key = f"{person.project.key}-{self.rng.randint(1, TASKS)}"
        exchange, _ = self.client.click(
            person.user, person.project.channel, "task_done", key, kind="done", twice=act.twice
        )
        return exchange

    def newest_prompt(self, user: str) -> str | None:
        """The answer button's value in the newest prompt to `user`, once: it is then taken."""
        with self._lock:
            found = self._newest_prompt(user)
            if found is None:
                return None
            ts, value = found
            self.answered.add(ts)
            return value

    def _newest_prompt(self, user: str) -> tuple[str, str] | None:
        for call in reversed(self.client.fake.calls_to("chat.postMessage", ok=True)):
            if call.args.get("channel") != user or not str(call.args.get("text", "")).startswith("☀️"):
                continue
            ts = str(call.response.get("ts"))
            if ts in self.answered:
                return None
            for block in call.args.get("blocks") or []:
                for element in block.get("elements", []) if block.get("type") == "actions" else []:
                    if element.get("action_id") == ANSWER_ACTION:
                        return ts, element["value"]
        return None
