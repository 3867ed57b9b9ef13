"""The soak's people: Slack's requests to the serve replicas, and the client's own record of each answer.

Every request is signed once and kept (body, timestamp, signature), so it can be sent again
byte for byte: a double click to the other replica, or a replay after a restart. Each answer is
recorded with how long it took, what it said, and the response URL the request carried, so the
checks can tell what each person was told about each save.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from bot import slack_payloads as payloads
from tests.support.fakeslack import FakeSlack
from tests.support.slackdriver import EVENTS_PATH, SlackDriver

JsonDict = dict[str, Any]
# Longer than any stall the fault plan holds a call for: the answer time is measured, not cut short.
CLIENT_TIMEOUT_S = 30
# What an answer that saved nothing says: an apology, or the busy database's "nothing was changed".
FAILURE_WORDS = ("Sorry", "nothing was changed")
TRIGGER_LIFE_S = 3.0  # Slack honours a trigger id for three seconds
POLL_S = 0.05


@dataclass(frozen=True)
class Signed:
    """A request exactly as it went over the wire, to be sent again unchanged."""

    body: bytes
    content_type: str
    timestamp: str
    signature: str

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": self.content_type,
            "X-Slack-Request-Timestamp": self.timestamp,
            "X-Slack-Signature": self.signature,
        }


@dataclass
class Exchange:
    """One request and its answer, as the client saw them."""

    kind: str  # task, risk, standup, done, status, or the opening of a modal
    user: str
    signed: Signed
    marker: str | None = None  # the text that names what this request saves
    form: bool = False  # a modal submission: its answer is the body, errors or nothing
    response_key: str | None = None  # the response URL's key, where later answers go
    copy_of: Exchange | None = None  # set on a doubled or replayed request
    replica: str = ""  # the base URL of the replica it went to
    started: float = 0.0  # on the perf_counter clock
    seconds: float | None = None
    status: int | None = None
    text: str = ""
    error: str | None = None  # no answer at all: the connection was refused or dropped

    @property
    def answered(self) -> bool:
        return self.status is not None

    def answer(self) -> JsonDict:
        try:
            found = json.loads(self.text) if self.text.strip() else {}
        except ValueError:
            return {"text": self.text}
        return found if isinstance(found, dict) else {}

    def said_saved(self) -> bool:
        """What the person was told at once: saved (a form closed, a command answered without apology)."""
        if self.status != 200:
            return False
        answer = self.answer()
        if self.form:
            return answer.get("response_action") != "errors"
        text = str(answer.get("text") or "")
        return bool(text) and not any(word in text for word in FAILURE_WORDS)

    def original(self) -> Exchange:
        return self.copy_of.original() if self.copy_of else self


@dataclass
class Client:
    """Sends signed requests to whichever replicas are up, and keeps every exchange."""

    driver: SlackDriver  # signs, and generates the fake's response URLs
    fake: FakeSlack
    team: str
    replicas: Callable[[], list[str]]  # the base URLs of the replicas up now
    exchanges: list[Exchange] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _turn: Iterator[int] = field(default_factory=itertools.count)
    _local: threading.local = field(default_factory=threading.local)

    # -- what people send

    def command(
        self, user: str, channel: str, text: str, *, kind: str, marker: str | None = None, twice: bool = False
    ) -> Exchange:
        key, url = self._response_url()
        form = payloads.command_form(text, user=user, channel=channel, team=self.team, response_url=url)
        signed = self.sign(urlencode(form).encode(), "application/x-www-form-urlencoded")
        return self.send(Exchange(kind, user, signed, marker=marker, response_key=key), twice=twice)

    def open_modal(self, user: str, channel: str, text: str) -> JsonDict | None:
        """The view a command opened with views.open, or None when it did not open."""
        trigger = payloads.trigger_id()
        key, url = self._response_url()
        form = payloads.command_form(
            text, user=user, channel=channel, team=self.team, response_url=url, trigger=trigger
        )
        signed = self.sign(urlencode(form).encode(), "application/x-www-form-urlencoded")
        sent = self.send(Exchange("open " + text.split(maxsplit=1)[0], user, signed, response_key=key))
        if sent.status != 200 or sent.text.strip() not in ("", "null"):
            return None  # answered with words (an apology, a refusal) instead of a modal
        return self.opened(trigger)

    def click(
        self, user: str, channel: str, action_id: str, value: str, *, kind: str, twice: bool = False
    ) -> tuple[Exchange, str]:
        """A button in a message; the exchange and the click's trigger id (for a modal it opens)."""
        key, url = self._response_url()
        clicked = payloads.action(action_id, "b", value)
        payload = payloads.block_action_in_message(
            clicked, user=user, team=self.team, channel=channel, message=None, response_url=url
        )
        signed = self.interaction(payload)
        return self.send(Exchange(kind, user, signed, response_key=key), twice=twice), payload["trigger_id"]

    def submit(
        self,
        user: str,
        view: JsonDict,
        values: dict[str, str | None],
        *,
        kind: str,
        marker: str,
        twice: bool = False,
    ) -> Exchange:
        state = payloads.view_state(view, values)
        payload = payloads.view_submission(view, state, user=user, team=self.team)
        return self.send(
            Exchange(kind, user, self.interaction(payload), marker=marker, form=True), twice=twice
        )

    def again(self, exchange: Exchange, *, url: str | None = None) -> Exchange:
        """The same bytes, the same signature, sent once more."""
        copy = Exchange(
            exchange.kind,
            exchange.user,
            exchange.signed,
            marker=exchange.marker,
            form=exchange.form,
            response_key=exchange.response_key,
            copy_of=exchange,
        )
        return self.send(copy, url=url)

    # -- the wire

    def sign(self, body: bytes, content_type: str) -> Signed:
        stamp = str(int(time.time()))
        return Signed(body, content_type, stamp, self.driver.signature(stamp, body))

    def interaction(self, payload: JsonDict) -> Signed:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.sign(body, "application/x-www-form-urlencoded")

    def send(self, exchange: Exchange, *, url: str | None = None, twice: bool = False) -> Exchange:
        """Post the request; `twice` posts the same bytes at the same moment to another replica too."""
        urls = self.replicas()
        # Round robin, as a load balancer in front of the replicas spreads Slack's requests.
        turn = next(self._turn)
        exchange.replica = url or urls[turn % len(urls)]
        other = urls[(turn + 1) % len(urls)]
        double = threading.Thread(target=self.again, args=(exchange,), kwargs={"url": other})
        if twice:
            double.start()
        self._post(exchange)
        if twice:
            double.join()
        return exchange

    def _post(self, exchange: Exchange) -> None:
        exchange.started = started = time.perf_counter()
        try:
            reply = self._session().post(
                exchange.replica + EVENTS_PATH,
                data=exchange.signed.body,
                headers=exchange.signed.headers(),
                timeout=CLIENT_TIMEOUT_S,
            )
            exchange.status, exchange.text = reply.status_code, reply.text
        except requests.RequestException as failure:
            exchange.error = type(failure).__name__
        exchange.seconds = time.perf_counter() - started
        with self._lock:
            self.exchanges.append(exchange)

    def opened(self, trigger: str) -> JsonDict | None:
        """The view opened with `trigger`: an app may open it just after its answer, within the
        trigger's three seconds."""
        deadline = time.monotonic() + TRIGGER_LIFE_S
        while True:
            calls = self.fake.calls_to("views.open", ok=True)
            views = [call for call in calls if call.args.get("trigger_id") == trigger]
            if views or time.monotonic() > deadline:
                return views[-1].args["view"] if views else None
            time.sleep(POLL_S)

    def _response_url(self) -> tuple[str, str]:
        url = self.fake.response_url(self.team)
        return url.rsplit("/", 1)[1], url

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session
