"""project templates: a workspace's own templates; the template a project started from, its gates, standup questions and closing items

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=32), nullable=False),
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
            name=op.f("fk_project_templates_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_templates")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_project_templates_team_id_name")),
    )
    with op.batch_alter_table("project_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_templates_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_name", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("gate_checks", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("standup_questions", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("closing_items", sa.JSON(), nullable=True))

    with op.batch_alter_table("standup_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("standup_reports", schema=None) as batch_op:
        batch_op.drop_column("answers")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("closing_items")
        batch_op.drop_column("standup_questions")
        batch_op.drop_column("gate_checks")
        batch_op.drop_column("template_name")

    with op.batch_alter_table("project_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_templates_team_id"))

    op.drop_table("project_templates")
