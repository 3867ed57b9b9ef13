"""A commit the server made whose answer never came back is not reported as "nothing was changed".

Issue 17: during the soak's 30-second PostgreSQL outage, a task saved at the moment the
connection dropped was stored, yet its author was told "nothing was changed" — and typed it
again. The proxy below forwards the app's COMMIT and hangs up on the server's answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from bot.app import create_app
from models import Task
from models.core.database import Database
from tests.support.charter import create
from tests.support.fakeslack import FakeSlack
from tests.support.served import RunningBot, make_settings, serving
from tests.support.tcpproxy import TcpProxy

UNSURE = (
    "⚠️ I lost my database while saving this, so I can't tell whether it was saved. In a minute, "
    "look for it (`/pmo tasks`, `/pmo risks`…) before you send it again."
)


@pytest.fixture
def proxied(database_url: str, fake_slack: FakeSlack) -> Iterator[tuple[RunningBot, TcpProxy, Database]]:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite commits in the app's own process: no answer can be lost on the way")
    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database(url)
    app = create_app(make_settings(fake_slack, url), database=database)
    try:
        with serving(app, fake_slack) as running:
            yield running, proxy, database
    finally:
        database.dispose()
        proxy.stop()


def lose_the_answer_to_the_commit_of(proxy: TcpProxy, database: Database, table: str) -> None:
    """Once a transaction has inserted into `table`, its COMMIT reaches the server; the answer doesn't."""
    inserted: set[int] = set()

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            inserted.add(id(conn.connection.dbapi_connection))

    def on_commit(conn: Any) -> None:
        if id(conn.connection.dbapi_connection) in inserted:
            proxy.lose_answers()

    event.listen(database.engine, "after_cursor_execute", on_execute)
    event.listen(database.engine, "commit", on_commit)


def test_a_task_whose_commit_answer_was_lost_is_reported_unsure_and_is_stored_once(
    proxied: tuple[RunningBot, TcpProxy, Database],
) -> None:
    bot, proxy, database = proxied
    create(bot)
    lose_the_answer_to_the_commit_of(proxy, database, "tasks")
    answer = bot.slack.command("task add Order the servers").json()
    assert answer["text"] == UNSURE
    proxy.restore()
    with bot.database.system_session(write=False) as db:
        assert db.scalars(select(Task.title)).all() == ["Order the servers"]
