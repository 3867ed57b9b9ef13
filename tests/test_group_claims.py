"""A group of sends claimed in one statement takes exactly what one claim at a time would take.

New keys, and failed sends whose back-off has passed; never a sent one, a claimed one (it may
have reached Slack), an uncertain one, or a failed one still waiting.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Delivery
from models.core.clock import utcnow
from models.core.database import Database
from models.core.deliveries import Claim, claim_deliveries
from models.core.enums import DeliveryState
from tests.support.workspace import OTHER_TEAM, TEAM


def test_a_group_claim_takes_the_new_keys_and_the_failed_ones_now_due(database: Database) -> None:
    now = utcnow()
    database.ensure_workspace(TEAM)
    database.ensure_workspace(OTHER_TEAM)
    earlier = {
        "sent": (DeliveryState.SENT, None),
        "claimed": (DeliveryState.CLAIMED, None),
        "uncertain": (DeliveryState.UNCERTAIN, None),
        "failed-due": (DeliveryState.FAILED, now - timedelta(minutes=1)),
        "failed-waiting": (DeliveryState.FAILED, now + timedelta(minutes=5)),
    }
    with database.session(TEAM) as db:
        for key, (state, retry_at) in earlier.items():
            db.add(
                Delivery(
                    team_id=TEAM, key=key, kind="digest", state=state, attempts=1, next_attempt_at=retry_at
                )
            )
    with database.session(OTHER_TEAM) as db:  # the same key in another workspace is another send
        db.add(Delivery(team_id=OTHER_TEAM, key="new", kind="digest", state=DeliveryState.SENT))

    keys = [*earlier, "new"]
    with database.session(TEAM) as db:
        claimed = claim_deliveries(db, team_id=TEAM, claims=[Claim(key, "digest") for key in keys], now=now)
    with database.session(TEAM) as db:
        again = claim_deliveries(db, team_id=TEAM, claims=[Claim(key, "digest") for key in keys], now=now)
        rows = {row.key: row for row in db.scalars(select(Delivery))}

    assert sorted(claimed) == ["failed-due", "new"]
    assert again == {}  # claimed now, so another process (or a second run) takes nothing
    assert claimed == {key: rows[key].id for key in claimed}
    assert rows["failed-due"].state is DeliveryState.CLAIMED and rows["failed-due"].attempts == 2
    assert rows["new"].state is DeliveryState.CLAIMED and rows["new"].attempts == 1
    assert rows["failed-waiting"].state is DeliveryState.FAILED
