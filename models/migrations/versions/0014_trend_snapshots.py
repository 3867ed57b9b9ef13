"""trend snapshots: each project's status figures once a day, which trend charts read

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trend_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("planned_value", sa.BigInteger(), nullable=True),
        sa.Column("earned_value", sa.BigInteger(), nullable=True),
        sa.Column("actual_cost", sa.BigInteger(), nullable=False),
        sa.Column("spi", sa.Float(), nullable=True),
        sa.Column("cpi", sa.Float(), nullable=True),
        sa.Column("remaining_hours", sa.Float(), nullable=True),
        sa.Column("remaining_tasks", sa.Integer(), nullable=False),
        sa.Column("open_risks", sa.Integer(), nullable=False),
        sa.Column("open_issues", sa.Integer(), nullable=False),
        sa.Column(
            "health",
            sa.Enum("green", "amber", "red", name="health", native_enum=False, length=24),
            nullable=False,
        ),
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
            name=op.f("fk_trend_snapshots_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_trend_snapshots_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trend_snapshots")),
        sa.UniqueConstraint("project_id", "day", name=op.f("uq_trend_snapshots_project_id_day")),
    )
    with op.batch_alter_table("trend_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trend_snapshots_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trend_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trend_snapshots_team_id"))
    op.drop_table("trend_snapshots")
