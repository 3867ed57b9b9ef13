"""eac method: the formula each project forecasts its estimate at completion with

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing projects keep the formula they were shown before: BAC / CPI.
    with op.batch_alter_table("projects") as batch_op:
        batch_op.add_column(
            sa.Column("eac_method", sa.String(length=24), server_default="cpi", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_column("eac_method")
