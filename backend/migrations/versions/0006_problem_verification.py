"""Verified problems: the verification outcome (JSON text) and the reference solution.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add both columns, nullable: problems saved before verification keep NULL."""
    # Nullable columns without a default: an ALTER TABLE ADD COLUMN on SQLite and
    # Postgres alike, with no table rewrite.
    op.add_column("problems", sa.Column("verification", sa.Text, nullable=True))
    op.add_column("problems", sa.Column("reference_solution", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop them (batch mode, so SQLite rebuilds the table where it must)."""
    with op.batch_alter_table("problems") as batch:
        batch.drop_column("reference_solution")
        batch.drop_column("verification")
