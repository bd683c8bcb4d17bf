"""The running stream of a learning session.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the active run columns."""
    with op.batch_alter_table("learning_sessions") as batch:
        batch.add_column(sa.Column("active_run_ticket", sa.String(64), nullable=True))
        batch.add_column(sa.Column("active_run_kind", sa.String(16), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("learning_sessions") as batch:
        batch.drop_column("active_run_kind")
        batch.drop_column("active_run_ticket")
