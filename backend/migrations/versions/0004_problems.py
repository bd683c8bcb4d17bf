"""Generated problems (the SQL backend of the problem store).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the problems table."""
    op.create_table(
        "problems",
        sa.Column("problem_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("problem_json", sa.Text, nullable=False),
    )
    op.create_index("ix_problems_user_created", "problems", ["user_id", "created_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_table("problems")
