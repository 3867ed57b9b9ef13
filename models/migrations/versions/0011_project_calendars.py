"""project calendars: working week and own holidays; pinned task starts

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_holidays_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_project_holidays_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_holidays")),
        sa.UniqueConstraint("project_id", "day", name=op.f("uq_project_holidays_project_id_day")),
    )
    with op.batch_alter_table("project_holidays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_holidays_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_holidays_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("start_pinned", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("working_week", sa.String(length=7), server_default="1111100", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("start_pinned")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("working_week")

    with op.batch_alter_table("project_holidays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_holidays_team_id"))
        batch_op.drop_index(batch_op.f("ix_project_holidays_project_id"))

    op.drop_table("project_holidays")
