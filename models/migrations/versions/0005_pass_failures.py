"""pass failures: what went wrong for which project in a scheduled pass, for jobs status

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pass_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pass_name", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
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
            name=op.f("fk_pass_failures_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pass_failures")),
        sa.UniqueConstraint(
            "team_id", "pass_name", "subject", name=op.f("uq_pass_failures_team_id_pass_name_subject")
        ),
    )
    with op.batch_alter_table("pass_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_failures_failed_at"), ["failed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pass_failures_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pass_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_failures_team_id"))
        batch_op.drop_index(batch_op.f("ix_pass_failures_failed_at"))
    op.drop_table("pass_failures")
