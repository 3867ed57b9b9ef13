"""seen requests and handled submissions: a replayed request or a double submit acts once

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[datetime]:
    return sa.Column(
        "created_at",
        sa.DateTime(timezone=True),
        server_default=sa.text("(CURRENT_TIMESTAMP)"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_requests")),
        sa.UniqueConstraint("signature", name=op.f("uq_seen_requests_signature")),
    )
    op.create_table(
        "handled_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_handled_submissions_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handled_submissions")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_handled_submissions_team_id_key")),
    )
    with op.batch_alter_table("handled_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handled_submissions_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handled_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handled_submissions_team_id"))
    op.drop_table("handled_submissions")
    op.drop_table("seen_requests")
