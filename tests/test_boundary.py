"""The Slack boundary: nothing unverified acts, replays do nothing, secrets stay out of the logs.

Attacks tried, and what the attacker sees:
- a timestamp that is not a number, non-ASCII signature bytes, a body that is not UTF-8, no
  headers, a wrong or stale signature: 401 from the HTTP layer, nothing posted to the body's
  response URL or DM'd to its user, nothing stored; Bolt's own check answers the same.
- sixteen such requests, all pointing at a response URL that never answers: each gets its 401
  at once, the socket gets no connection, and a real `/pmo help` is answered in time.
- signed requests whose response URL is not Slack's: the error handler does not post there.
- a signed request sent again, to the same replica or to another process on the same database:
  200 with an empty body, nothing done twice.
- SQLite's write lock held by another connection, or by a slow writer in the same process: the
  user is told the database is busy (a form keeps what was typed), within Slack's 3 seconds,
  and nothing changes; requests that meet it together too, as all of a request's writes wait
  until one deadline, the busy timeout after it arrived (its replay record included).
- DEBUG logging while installing over OAuth and calling the Web API: no token or secret logged.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import requests
from slack_bolt import BoltRequest
from sqlalchemy import select, update

from bot import slack_payloads as payloads
from bot.i18n import Translator
from bot.redaction import redact
from bot.scheduler import run_jobs
from bot.settings import Settings, SettingsError, load_settings
from handlers.slack.replays import first_time
from models.core.clock import utcnow
from models.core.records import SeenRequest
from models.tasks.breakdown import Task
from tests.support.charter import create
from tests.support.flows import CHANNEL, count_rows, field_errors, open_modal, submit
from tests.support.integrity import contents
from tests.support.oauth import CLIENT_ID, NEW_TEAM, NEW_TOKEN, finish_install, start_install
from tests.support.processes import clean_env, free_port, pmo_bot
from tests.support.served import SETTLE_S, RunningBot
from tests.support.slackdriver import EVENTS_PATH, Reply
from tests.support.workspace import ALICE, SIGNING_SECRET, TEAM, WEI

FORM = "application/x-www-form-urlencoded"
HELP = "PMO bot: what you can ask"
SLACK_WINDOW_S = 3
# A fresh process imports, connects and checks the schema first: slow on a loaded machine.
START_S = 90
FLOOD = 20


# -- helpers


@contextmanager
def silent_socket() -> Iterator[socket.socket]:
    """A loopback port that takes connections into its backlog and never answers one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(FLOOD * 2)
    try:
        yield listener
    finally:
        listener.close()


def connections_to(listener: socket.socket) -> int:
    """How many connections reached the socket (they wait in its backlog until accepted)."""
    listener.setblocking(False)
    count = 0
    while True:
        try:
            accepted, _ = listener.accept()
        except BlockingIOError:
            return count
        accepted.close()
        count += 1


def url_of(listener: socket.socket) -> str:
    return f"http://127.0.0.1:{listener.getsockname()[1]}/actions/T0001/1/abc"


def click_body(response_url: str, action_id: str = "task_done", value: str = "APL-1") -> str:
    clicked = payloads.action(action_id, "b", value, None)
    payload = payloads.block_action_in_message(
        clicked, user=ALICE, team=TEAM, channel=CHANNEL, message=None, response_url=response_url
    )
    return urlencode({"payload": json.dumps(payload)})


def post(bot: RunningBot, body: bytes | str, headers: dict[str, str | bytes]) -> Reply:
    """A POST of its own (no shared session), so many can be in flight at once."""
    sent = {name: on_the_wire(value) for name, value in headers.items()}
    answer = requests.post(
        bot.url + EVENTS_PATH, data=body, headers={"Content-Type": FORM, **sent}, timeout=30
    )
    return Reply(answer.status_code, answer.text, dict(answer.headers))


def on_the_wire(value: str | bytes) -> str | bytes:
    """A header value as an HTTP client can send it: text beyond Latin-1 goes as its UTF-8 bytes."""
    if isinstance(value, bytes):
        return value
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()
    return value


def signed(bot: RunningBot, body: str) -> dict[str, str | bytes]:
    stamp = str(int(time.time()))
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": bot.slack.signature(stamp, body)}


def unverifiable(bot: RunningBot, body: str) -> list[dict[str, str | bytes]]:
    """Headers slack-sdk's verifier raised on, and the plainly wrong ones."""
    now, stale = str(int(time.time())), str(int(time.time()) - 301)
    good = bot.slack.signature(now, body)
    return [
        {"X-Slack-Request-Timestamp": "12abc", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": "١٧٦٤٨٦٤٠٠٠", "X-Slack-Signature": good},  # digits, not ASCII
        {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=é" + good[4:]},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": b"v0=\xff\xfe" + good[5:].encode()},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": stale, "X-Slack-Signature": bot.slack.signature(stale, body)},
        {"X-Slack-Request-Timestamp": now},
        {"X-Slack-Signature": good},
        {},
    ]


# -- 1. unverified means untouched


def test_requests_that_cannot_be_verified_get_401_and_touch_nothing(bot: RunningBot) -> None:
    create(bot)
    before, calls = contents(bot.database), len(bot.fake.calls)
    with silent_socket() as listener:
        for body in (click_body(url_of(listener)), click_body(url_of(listener), "no_such_button")):
            for headers in unverifiable(bot, body):
                reply = post(bot, body, headers)
                assert (reply.status, reply.text) == (401, ""), headers
        not_utf8 = b"payload=%7B%7D&x=\xff\xfe"
        assert post(bot, not_utf8, signed(bot, "payload=%7B%7D")).status == 401
        assert bot.app.runtime.settle(SETTLE_S)  # anything the app queued after answering has gone
        assert connections_to(listener) == 0
    assert len(bot.fake.calls) == calls, [call.method for call in bot.fake.calls[calls:]]
    assert contents(bot.database) == before


def test_bolt_itself_answers_401_to_headers_that_cannot_be_verified(bot: RunningBot) -> None:
    """The console dispatches to Bolt directly: Bolt's check must not raise on such headers either."""
    calls = len(bot.fake.calls)
    body = click_body(bot.fake.response_url(TEAM), "no_such_button")
    for headers in unverifiable(bot, body):
        # As the WSGI server hands them over: header bytes read as Latin-1.
        lowered = {
            name.lower(): value.decode("latin-1") if isinstance(value, bytes) else value
            for name, value in headers.items()
        }
        answer = bot.app.dispatch(BoltRequest(body=body, headers={"content-type": FORM, **lowered}))
        assert answer.status == 401, headers
    assert bot.fake.calls[calls:] == []


def test_a_flood_of_forged_requests_at_a_silent_url_holds_no_server_thread(bot: RunningBot) -> None:
    with silent_socket() as listener:
        body = click_body(url_of(listener), "no_such_button")
        forged = {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=forged"}
        with ThreadPoolExecutor(max_workers=FLOOD) as pool:
            replies = list(pool.map(lambda _: post(bot, body, forged), range(FLOOD)))
        assert {reply.status for reply in replies} == {401}
        started = time.monotonic()
        assert HELP in bot.slack.command("help").json()["text"]
        assert time.monotonic() - started < SLACK_WINDOW_S
        assert connections_to(listener) == 0
    assert bot.fake.calls_to("chat.postMessage") == []


def test_signed_requests_are_not_answered_at_a_response_url_off_slacks_hosts(bot: RunningBot) -> None:
    """Even a verified body's response URL is posted to only where Slack's own point."""
    with silent_socket() as listener:
        bodies = [click_body(url_of(listener), "no_such_button", f"v{i}") for i in range(FLOOD)]
        with ThreadPoolExecutor(max_workers=FLOOD) as pool:
            replies = list(pool.map(lambda body: post(bot, body, signed(bot, body)), bodies))
        assert {reply.status for reply in replies} == {200}
        started = time.monotonic()
        assert HELP in bot.slack.command("help").json()["text"]
        assert time.monotonic() - started < SLACK_WINDOW_S
        assert connections_to(listener) == 0
    # The person who clicked still hears why nothing happened, in their DM.
    told = bot.fake.wait_for("chat.postMessage", FLOOD)
    unhandled = Translator("en")("errors.unhandled")
    assert [(call.args["channel"], call.args["text"]) for call in told] == [(ALICE, unhandled)] * FLOOD


def test_response_urls_are_allowed_on_slacks_hosts_and_the_api_origin_only() -> None:
    settings = Settings(_env_file=None, slack_api_url="http://127.0.0.1:4000/api/")  # type: ignore[call-arg]
    allowed = [
        "https://hooks.slack.com/commands/T1/2/abc",
        "https://hooks.slack.com/actions/T1/2/abc",
        "http://127.0.0.1:4000/response/T1/abc",
    ]
    refused = [
        "http://hooks.slack.com/actions/T1/2/abc",
        "https://hooks.slack.com.evil.example/actions",
        "https://evil.example/?hooks.slack.com",
        "https://me@hooks.slack.com/actions",
        "http://127.0.0.1:4001/response/T1/abc",
        "http://127.0.0.1:notaport/",
        "file:///etc/passwd",
    ]
    assert [url for url in allowed if not settings.allows_response_url(url)] == []
    assert [url for url in refused if settings.allows_response_url(url)] == []
    proxied = load_settings(_env_file=None, slack_response_hosts="hooks.example.org, HOOKS.slack.com")
    assert proxied.slack_response_hosts == frozenset({"hooks.example.org", "hooks.slack.com"})
    with pytest.raises(SettingsError, match="SLACK_RESPONSE_HOSTS"):
        load_settings(_env_file=None, slack_response_hosts="https://hooks.slack.com/")


# -- 2. replays across replicas


def wait_serving(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "pmo-bot serve exited; see replica.log"
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"pmo-bot serve did not answer /healthz within {START_S} s")


@contextmanager
def replica(bot: RunningBot, tmp_path: Path, **env: str) -> Iterator[tuple[str, Path]]:
    """`pmo-bot serve` in a process of its own on the same database: another replica, or a restart."""
    port, log = free_port(), tmp_path / "replica.log"
    settings = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": bot.fake.api_url,
        "DATABASE_URL": bot.database.url.render_as_string(hide_password=False),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [*pmo_bot(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
            env=clean_env(**(settings | env)),
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_serving(url, process)
            yield url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_request_replayed_to_another_replica_does_nothing(bot: RunningBot, tmp_path: Path) -> None:
    create(bot)
    body = urlencode(
        payloads.command_form(
            "task add Captured once",
            user=ALICE,
            channel=CHANNEL,
            team=TEAM,
            command="/pmo",
            response_url=bot.fake.response_url(TEAM),
        )
    )
    headers = signed(bot, body)
    first = post(bot, body, headers)
    assert first.json()["text"].startswith("Added *APL-1* Captured once")
    before, calls = contents(bot.database), len(bot.fake.calls)
    with replica(bot, tmp_path, SLACK_BOT_TOKEN="xoxb-test-T0001") as (url, _):
        again = requests.post(
            url + EVENTS_PATH, data=body, headers={"Content-Type": FORM, **headers}, timeout=30
        )
        assert (again.status_code, again.text) == (200, "")
        assert post(bot, body, headers).text == ""  # and the first replica still knows it too
        # The replica checks its token once (auth.test) and does nothing else.
        assert [call.method for call in bot.fake.calls[calls:] if call.method != "auth.test"] == []
        assert contents(bot.database) == before
        assert count_rows(bot.database, Task) == 1
        # The replica answers Slack's real requests: it was the replay it ignored.
        fresh = urlencode(
            payloads.command_form("help", user=ALICE, channel=CHANNEL, team=TEAM, response_url="")
        )
        answer = requests.post(
            url + EVENTS_PATH, data=fresh, headers={"Content-Type": FORM, **signed(bot, fresh)}, timeout=30
        )
        assert HELP in answer.json()["text"]


def test_the_tick_forgets_signatures_once_their_requests_would_be_stale(bot: RunningBot) -> None:
    assert first_time(bot.database, "v0=" + "a" * 64)
    assert first_time(bot.database, "v0=" + "b" * 64)
    assert not first_time(bot.database, "v0=" + "b" * 64)
    with bot.database.writer() as conn:
        old = utcnow() - timedelta(minutes=11)
        conn.execute(
            update(SeenRequest).where(SeenRequest.signature.startswith("v0=a")).values(created_at=old)
        )
    assert run_jobs(bot.app.runtime, utcnow(), ["prune_seen_requests"]) == {"prune_seen_requests": "ok"}
    with bot.database.engine.connect() as conn:
        assert list(conn.scalars(select(SeenRequest.signature))) == ["v0=" + "b" * 64]


# -- 10. the logs and a busy database


def test_debug_logs_hold_no_token_or_secret(bot: RunningBot, tmp_path: Path) -> None:
    client_secret = "client-secret-do-not-log"
    bot.fake.oauth_grant("code-1", team_id=NEW_TEAM, team_name="Initech", bot_token=NEW_TOKEN)
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": client_secret, "PMO_LOG_LEVEL": "DEBUG"}
    with replica(bot, tmp_path, **env) as (url, log):
        running = SimpleNamespace(url=url)
        assert finish_install(running, start_install(running)).status_code == 200  # type: ignore[arg-type]
        bot.fake.add_user(NEW_TEAM, ALICE, name="alice")
        driver = bot.slack.__class__(url, SIGNING_SECRET, fake=bot.fake, team_id=NEW_TEAM)
        assert driver.command("new", team=NEW_TEAM).status == 200
        bot.fake.wait_for("views.open")
        assert driver.command("help", team=NEW_TEAM, timestamp=0).status == 401
    written = log.read_text()
    assert "oauth.v2.access" in written and "Received the following response" in written  # DEBUG was on
    for secret in (NEW_TOKEN, client_secret, SIGNING_SECRET, "Bearer xox", "Basic "):
        assert secret not in written, secret
    assert "[redacted]" in written


def test_redaction_covers_tokens_headers_named_secrets_and_url_passwords() -> None:
    text = (
        "token xoxb-1-2-abc and xapp-1-A1-xyz; headers: {'Authorization': 'Bearer xoxp-9-zz'} "
        'body client_secret=topsecret&code=1 {"access_token": "secret-2"} '
        "postgresql://pmo:hunter2@db/pmo and the literal sign-me-secret"
    )
    cleaned = redact(text, ["sign-me-secret"])
    for secret in (
        "xoxb-1-2-abc",
        "xapp-1-A1-xyz",
        "xoxp-9-zz",
        "topsecret",
        "secret-2",
        "hunter2",
        "sign-me",
    ):
        assert secret not in cleaned, secret
    assert "code=1" in cleaned and "postgresql://pmo:[redacted]@db/pmo" in cleaned


@contextmanager
def write_turn_held(bot: RunningBot) -> Iterator[None]:
    """A slow write in this process (another thread inside a write session) keeping the lock."""
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with bot.database.session(TEAM):
            taken.set()
            done.wait(30)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert taken.wait(10)
    try:
        yield
    finally:
        done.set()
        holder.join(10)


@contextmanager
def write_lock_held(bot: RunningBot) -> Iterator[None]:
    """Another connection (a backup, a second process) holding SQLite's write lock."""
    other = sqlite3.connect(bot.database.url.database, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_busy_sqlite_answers_in_time_that_nothing_was_changed(bot: RunningBot) -> None:
    if not bot.database.is_sqlite:
        pytest.skip("only SQLite has one write lock for the whole database")
    create(bot)
    view = open_modal(bot, "task")
    bot.slack.command("help", user=WEI)  # Wei's language is known before the lock is taken
    before = contents(bot.database)
    en, zh = Translator("en"), Translator("zh-CN")
    with write_lock_held(bot):
        started = time.monotonic()
        answer = bot.slack.command("task add Busy work").json()["text"]
        assert time.monotonic() - started < SLACK_WINDOW_S
        assert answer == en("errors.busy")
        assert bot.slack.command("task add 忙", user=WEI).json()["text"] == zh("errors.busy")
        errors = field_errors(submit(bot, view, {"title": "Kept text"}))
        assert list(errors.values()) == [en("errors.busy_form")]
    with write_turn_held(bot):
        started = time.monotonic()
        assert bot.slack.command("task add Busy work").json()["text"] == en("errors.busy")
        assert time.monotonic() - started < SLACK_WINDOW_S
    assert contents(bot.database) == before
    assert bot.slack.command("task add Busy work").json()["text"].startswith("Added *APL-1* Busy work")


def test_requests_queued_behind_a_busy_write_each_wait_for_it_once(bot: RunningBot) -> None:
    """Requests that meet the lock together queue for it in this process: each is told in time.

    The second in the queue used to wait for its turn until the first gave up, then the busy
    timeout again in SQLite: 3.5 s. A request's waits for the lock now end at one deadline.
    """
    if not bot.database.is_sqlite:
        pytest.skip("only SQLite has one write lock for the whole database")
    create(bot)
    bot.slack.command("help")  # the language is known before the lock is taken
    before = contents(bot.database)

    def add(title: str) -> tuple[float, Reply]:
        url = bot.slack.response_url(TEAM)
        form = payloads.command_form(
            f"task add {title}", user=ALICE, channel=CHANNEL, team=TEAM, response_url=url
        )
        body = urlencode(form)
        started = time.monotonic()
        reply = post(bot, body, signed(bot, body))
        return time.monotonic() - started, reply

    with write_lock_held(bot), ThreadPoolExecutor(max_workers=4) as pool:
        sent = []
        for n in range(4):
            sent.append(pool.submit(add, f"Queued {n}"))
            time.sleep(0.5)  # the others arrive while the first waits for the lock
        answers = [future.result() for future in sent]
    busy = Translator("en")("errors.busy")
    assert [reply.json()["text"] for _, reply in answers] == [busy] * 4
    slowest = max(seconds for seconds, _ in answers)
    assert slowest < SLACK_WINDOW_S, f"the slowest busy answer took {slowest:.2f} s"
    assert contents(bot.database) == before
