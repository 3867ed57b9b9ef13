"""The engine, its dialect settings, and sessions scoped to one workspace."""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from models.core import limits, revisions, scoping  # noqa: F401 - limits and revisions register hooks
from models.core.claims import claim
from models.core.workspace import Workspace

log = logging.getLogger(__name__)

# Execution option that asks SQLite for a write lock at BEGIN rather than at the first write;
# without it two threads that read then write lose updates or fail with "database is locked".
IMMEDIATE = "pmo_immediate"
# How long a write waits for SQLite's one write lock before the user is told to try again: long
# enough for any ordinary write to finish, short enough to answer inside Slack's 3 seconds.
SQLITE_BUSY_TIMEOUT_MS = 2_000
PG_CONNECT_TIMEOUT_S = 3
# A pooled PostgreSQL connection idle longer than this is pinged before use.
PING_AFTER_IDLE_S = 1.0
_LAST_USED = "pmo_last_used"
# The busy timeout a pooled SQLite connection was last given (kept in its pool record's info).
_BUSY_TIMEOUT_SET = "pmo_busy_timeout_ms"


class DatabaseBusyError(SQLAlchemyError):
    """This process's other writers kept SQLite's write lock past the busy timeout."""


def is_busy(error: BaseException) -> bool:
    """SQLite's write lock stayed taken past the busy timeout: nothing was written, try again."""
    if isinstance(error, DatabaseBusyError):
        return True
    code = getattr(getattr(error, "orig", None), "sqlite_errorcode", None)
    # Extended codes (SQLITE_BUSY_SNAPSHOT…) keep the primary code in their low byte.
    return isinstance(error, OperationalError) and code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class CommitOutcomeUnknownError(SQLAlchemyError):
    """The connection went while the database was committing: the save may have been made or not.

    The server may have committed and lost only its answer, so "nothing was changed" could tell
    someone their save failed when it is stored.
    """


def lost_in_commit(error: BaseException) -> bool:
    """A connection lost mid-commit, as opposed to a commit the database refused (nothing written)."""
    if isinstance(error, InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _commit(session: Session) -> None:
    try:
        session.commit()
    except SQLAlchemyError as error:
        if lost_in_commit(error):
            raise CommitOutcomeUnknownError(str(error)) from error
        raise


class WaitBudget:
    """How long one request may still wait for SQLite's write lock, over all its writes.

    A request writes several times (its signature, its save, the answer kept for copies), and
    each write queues for the one lock: in this process's turn, then in SQLite's busy handler.
    Each wait alone stays under the busy timeout, but in sequence they added up past Slack's
    3 seconds. All of them end at one deadline instead, the busy timeout after the request
    arrived: a request that could not write by then is told the database is busy, rather than
    saving after Slack gave up on its answer (and its user, told it failed, trying again).
    """

    def __init__(self, seconds: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> None:
        self.deadline = time.monotonic() + seconds

    @property
    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


# The budget of the request this thread is answering; none outside a request (passes, lazy
# listeners, deferred work: they are not racing Slack's 3 seconds), and each write waits anew.
_WAIT_BUDGET: ContextVar[WaitBudget | None] = ContextVar("pmo_wait_budget", default=None)


@contextmanager
def one_wait() -> Iterator[WaitBudget]:
    """Inside, all writes of this thread wait for the lock until one deadline, a busy timeout away."""
    budget = WaitBudget()
    token = _WAIT_BUDGET.set(budget)
    try:
        yield budget
    finally:
        _WAIT_BUDGET.reset(token)


def _wait_left() -> float:
    """How long the next wait for the write lock may last."""
    budget = _WAIT_BUDGET.get()
    return SQLITE_BUSY_TIMEOUT_MS / 1000 if budget is None else budget.left


@contextmanager
def _queued(turn: threading.RLock) -> Iterator[None]:
    """This thread's turn to write, waited for no longer than another process would wait."""
    if not turn.acquire(timeout=_wait_left()):
        raise DatabaseBusyError("another write held the database past the busy timeout")
    try:
        yield
    finally:
        turn.release()


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def build_engine(database_url: str, *, echo: bool = False) -> Engine:
    url = make_url(database_url)
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20, connect_args=connect_args)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has lain idle (SQLAlchemy's pre-ping,
    but not on every checkout).

    A ping is a round trip, and every request checks connections out: under load the pings
    were a fifth of the server's time waiting on PostgreSQL. A connection that answered within
    the last second is taken as alive; one that went since fails its next statement, which is
    an outage that request reports, and SQLAlchemy then replaces every pooled connection.
    """

    @event.listens_for(engine, "connect")
    def connected(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def checked_in(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out another (SQLAlchemy's recipe).
            raise DisconnectionError(str(error)) from error


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot do BEGIN IMMEDIATE, so it is
    # switched off and SQLAlchemy emits BEGIN itself (the recipe in SQLAlchemy's SQLite docs).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        connection_record.info[_BUSY_TIMEOUT_SET] = SQLITE_BUSY_TIMEOUT_MS
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        if not immediate:
            _set_busy_timeout(conn, SQLITE_BUSY_TIMEOUT_MS)
            conn.exec_driver_sql("BEGIN")
            return
        # BEGIN IMMEDIATE is where a write waits for the lock: until the request's deadline,
        # rounded up to a tenth of a second so that a request's first write keeps the timeout
        # its reads set (one PRAGMA less each way on nearly every request).
        _set_busy_timeout(conn, math.ceil(_wait_left() * 10) * 100)
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _set_busy_timeout(conn: Connection, milliseconds: int) -> None:
    """Give a pooled connection this busy timeout, unless it has it already (a statement saved)."""
    if conn.info.get(_BUSY_TIMEOUT_SET) != milliseconds:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
        conn.info[_BUSY_TIMEOUT_SET] = milliseconds


# Whether the tasks table has statistics: the biggest table, and the one the planner needs them for.
_SQLITE_STATISTICS = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
_SQLITE_TASKS_ANALYSED = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'tasks'"
_POSTGRESQL_TASKS_ANALYSED = (
    "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'tasks'"
    " AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
)


class Database:
    """The application's database: an engine and the sessions opened on it."""

    def __init__(self, database_url: str, *, echo: bool = False) -> None:
        self.url = make_url(database_url)
        self.engine = build_engine(database_url, echo=echo)
        self._writer = self.engine.execution_options(**{IMMEDIATE: True})
        # PostgreSQL sends BEGIN and COMMIT as round trips of their own. Where a transaction
        # adds nothing (one statement; reads that need no common snapshot, as READ COMMITTED
        # gives each statement its own anyway) they are left out. SQLite's BEGIN costs no trip.
        self._apart = (
            self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._sessions = sessionmaker(expire_on_commit=False)
        # SQLite has one write lock per file, and a thread that finds it taken sleeps in SQLite's
        # busy handler, up to 100 ms a try. This process's threads queue for it here instead, in
        # turn and without sleeping (other processes still wait out the busy timeout). Re-entrant:
        # a nested write session in one thread behaves as it did before.
        self._write_turn = threading.RLock() if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def session(self, team_id: str, *, write: bool = True, apart: bool = False) -> Iterator[Session]:
        """A unit of work inside one workspace: committed on success, rolled back on error.

        `apart`: reads that need no snapshot in common, each seeing the database as it stands.
        """
        with self._open(write=write, info={scoping.TEAM_KEY: team_id}, apart=apart) as session:
            yield session

    @contextmanager
    def system_session(self, *, write: bool = True) -> Iterator[Session]:
        """A session that may read every workspace, for the scheduler's passes only."""
        with self._open(write=write, info={scoping.SYSTEM_KEY: True}) as session:
            yield session

    def _turn(self, write: bool) -> AbstractContextManager[object]:
        return _queued(self._write_turn) if write and self._write_turn is not None else nullcontext()

    @contextmanager
    def _open(self, *, write: bool, info: dict[str, Any], apart: bool = False) -> Iterator[Session]:
        if write and apart:
            raise ValueError("writes share a transaction: a write session cannot read apart")
        with self._turn(write):
            bind = self._writer if write else self._apart if apart else self.engine
            session = self._sessions(bind=bind, info=info)
            try:
                yield session
                _commit(session)
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def writer(self, *, one_statement: bool = False) -> Iterator[Connection]:
        """One write transaction on a plain connection, for rows that belong to no workspace yet.

        `one_statement`: the caller sends a single statement, atomic by itself, so PostgreSQL
        gets it without BEGIN and COMMIT; SQLite still takes its write lock at BEGIN IMMEDIATE.
        """
        engine = self._apart if one_statement and not self.is_sqlite else self._writer
        with self._turn(write=True), engine.begin() as conn:
            yield conn

    def ensure_workspace(self, team_id: str, *, enterprise_id: str | None = None) -> None:
        """Record a workspace the first time a request from it arrives (idempotent)."""
        with self.writer() as conn:
            claim(conn, Workspace, {"team_id": team_id, "enterprise_id": enterprise_id}, conflict=["team_id"])

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("database ping failed: %s", exc.__class__.__name__)
            return False
        return True

    def refresh_statistics(self) -> None:
        """Tell the query planner how rows spread over workspaces and projects.

        Without statistics SQLite takes the `team_id = …` every query carries as the most
        selective term and walks every task of the workspace to find a hundred projects' (the
        digest pass took three times as long). ANALYZE reads every index: about 50 ms for
        60,000 tasks on SQLite. Sampling (`analysis_limit`) is not enough there, as it counts a
        workspace's tasks as no more than the sample. PostgreSQL's autovacuum analyses too, but
        only once enough rows changed, which after a bulk import can be a while.
        """
        with self.writer() as conn:
            conn.exec_driver_sql("ANALYZE")

    def ensure_statistics(self) -> None:
        """Gather statistics at start only when there are none: a big database is analysed nightly."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                found = conn.exec_driver_sql(_SQLITE_STATISTICS).scalar()
                analysed = found and conn.exec_driver_sql(_SQLITE_TASKS_ANALYSED).scalar()
            else:
                analysed = conn.exec_driver_sql(_POSTGRESQL_TASKS_ANALYSED).scalar()
        if not analysed:
            self.refresh_statistics()

    def dispose(self) -> None:
        self.engine.dispose()
