"""one record of sends: posted messages fold into the delivery log, copies found by `about`

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the tables as this revision knows them: the models move on, this must not.
deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("key", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("state", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("claimed_at", sa.DateTime(timezone=True)),
    sa.column("sent_at", sa.DateTime(timezone=True)),
    sa.column("channel_id", sa.String()),
    sa.column("message_ts", sa.String()),
    sa.column("about", sa.String()),
)
posted_messages = sa.table(
    "posted_messages",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("subject", sa.String()),
    sa.column("channel_id", sa.String()),
    sa.column("ts", sa.String()),
)
change_requests = sa.table(
    "change_requests",
    sa.column("id", sa.Integer()),
    sa.column("number", sa.Integer()),
    sa.column("project_id"),
)
projects = sa.table("projects", sa.column("id", sa.Integer()), sa.column("key", sa.String()))

# What the closing checklist's posts were remembered under, and the kind its sends now have.
CHECKLIST_PREFIX, CHECKLIST_KIND = "checklist:", "closing_checklist"
# Any other remembered post (older versions remembered change requests' copies too).
MOVED_KIND = "posted_message"
CHANGE_COPY, CHASES = "change_request", ("change_reminder", "change_escalation")


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("about", sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_about"), ["about"], unique=False)
    conn = op.get_bind()
    _name_the_copies_already_sent(conn)
    _move_posted_messages(conn)
    with op.batch_alter_table("posted_messages") as batch_op:
        batch_op.drop_index(batch_op.f("ix_posted_messages_subject"))
        batch_op.drop_index(batch_op.f("ix_posted_messages_team_id"))
    op.drop_table("posted_messages")


def _name_the_copies_already_sent(conn: sa.Connection) -> None:
    """A change request's copies and chasing DMs sent before now: `about` is the request's key."""
    copies = conn.execute(
        sa.select(deliveries.c.id, deliveries.c.key).where(deliveries.c.kind == CHANGE_COPY)
    )
    for delivery_id, key in copies.all():
        # change_request:<request key>:<channel>
        conn.execute(
            deliveries.update().where(deliveries.c.id == delivery_id).values(about=key.split(":")[1])
        )
    change_keys = {
        change_id: f"{project_key}-C{number}"
        for change_id, number, project_key in conn.execute(
            sa.select(change_requests.c.id, change_requests.c.number, projects.c.key).join(
                projects, projects.c.id == change_requests.c.project_id
            )
        )
    }
    chases = conn.execute(sa.select(deliveries.c.id, deliveries.c.key).where(deliveries.c.kind.in_(CHASES)))
    for delivery_id, key in chases.all():
        # change_reminder:<change id>:<user>
        about = change_keys.get(int(key.split(":")[1]))
        if about is not None:
            conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(about=about))


def _move_posted_messages(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(posted_messages).order_by(posted_messages.c.id)).all()
    moved = [
        {
            "team_id": row.team_id,
            "created_at": row.created_at,
            "key": f"{MOVED_KIND}:{row.id}",
            "kind": CHECKLIST_KIND if row.subject.startswith(CHECKLIST_PREFIX) else MOVED_KIND,
            "state": "sent",
            "attempts": 1,
            "claimed_at": row.created_at,
            "sent_at": row.created_at,
            "channel_id": row.channel_id,
            "message_ts": row.ts,
            "about": row.subject,
        }
        for row in rows
    ]
    if moved:
        conn.execute(deliveries.insert(), moved)


def downgrade() -> None:
    op.create_table(
        "posted_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_posted_messages_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posted_messages")),
    )
    with op.batch_alter_table("posted_messages") as batch_op:
        batch_op.create_index(batch_op.f("ix_posted_messages_subject"), ["subject"], unique=False)
        batch_op.create_index(batch_op.f("ix_posted_messages_team_id"), ["team_id"], unique=False)
    conn = op.get_bind()
    kept = sa.select(
        deliveries.c.team_id,
        deliveries.c.created_at,
        deliveries.c.about,
        deliveries.c.channel_id,
        deliveries.c.message_ts,
    ).where(
        deliveries.c.kind.in_([CHECKLIST_KIND, MOVED_KIND]),
        deliveries.c.state == "sent",
        deliveries.c.message_ts.is_not(None),
    )
    for team_id, created_at, about, channel_id, ts in conn.execute(kept).all():
        conn.execute(
            posted_messages.insert().values(
                team_id=team_id, created_at=created_at, subject=about, channel_id=channel_id, ts=ts
            )
        )
    conn.execute(deliveries.delete().where(deliveries.c.kind == MOVED_KIND))
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_about"))
        batch_op.drop_column("about")
