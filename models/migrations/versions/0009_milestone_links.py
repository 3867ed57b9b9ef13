"""milestone links: a milestone that follows tasks, its date kept at their latest finish

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "milestone_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
            name=op.f("fk_milestone_links_milestone_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_milestone_links_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_milestone_links_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_links")),
        sa.UniqueConstraint("milestone_id", "task_id", name=op.f("uq_milestone_links_milestone_id_task_id")),
    )
    with op.batch_alter_table("milestone_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_links_milestone_id"), ["milestone_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_links_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_links_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    op.drop_table("milestone_links")
