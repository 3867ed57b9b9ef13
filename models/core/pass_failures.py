"""What went wrong for whom in a scheduled pass, kept for `pmo-bot jobs status`.

A pass goes on past one project's failure; this is where the failure stays visible.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.claims import upsert
from models.core.records import PassFailure

ERROR_MAX = 500
SUBJECT_MAX = 200
# How many of a pass's most recent failures `jobs status` shows.
SHOWN_PER_PASS = 10


def record_failure(
    db: Session, *, team_id: str, pass_name: str, subject: str, error: str, at: datetime
) -> None:
    """Note that `subject` failed in `pass_name` now; a repeat bumps its count and error."""
    error, subject = error[:ERROR_MAX], subject[:SUBJECT_MAX]
    values = {"team_id": team_id, "pass_name": pass_name, "subject": subject, "error": error, "failed_at": at}
    upsert(
        db,
        PassFailure,
        values | {"times": 1},
        conflict=["team_id", "pass_name", "subject"],
        update={"error": error, "failed_at": at, "times": PassFailure.times + 1},
    )


def recent_failures(db: Session, *, since: datetime) -> dict[str, list[PassFailure]]:
    """Each pass's failures since `since`, newest first, at most SHOWN_PER_PASS a pass."""
    rows = db.scalars(
        select(PassFailure)
        .where(PassFailure.failed_at >= since)
        .order_by(PassFailure.pass_name, PassFailure.failed_at.desc(), PassFailure.subject)
    )
    by_pass: dict[str, list[PassFailure]] = {}
    for row in rows:
        shown = by_pass.setdefault(row.pass_name, [])
        if len(shown) < SHOWN_PER_PASS:
            shown.append(row)
    return by_pass
