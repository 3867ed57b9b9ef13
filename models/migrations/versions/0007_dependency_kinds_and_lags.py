"""dependency kinds and lags: start-to-start and finish-to-finish links, with lag or lead

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults, so the links that exist become what they always were: finish-to-start, no lag.
    with op.batch_alter_table("task_dependencies") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=24), server_default="fs", nullable=False))
        batch_op.add_column(sa.Column("lag_days", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("task_dependencies") as batch_op:
        batch_op.drop_column("lag_days")
        batch_op.drop_column("kind")
