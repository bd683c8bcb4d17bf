"""Learning sessions index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the sessions index."""
    op.create_table(
        "learning_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("chapter_number", sa.Integer, nullable=False),
        sa.Column("section_number", sa.Integer, nullable=False),
        sa.Column("session_progress_stage", sa.String(32), nullable=False),
        sa.Column("user_type", sa.String(16), nullable=False),
        sa.Column("completed_sections", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index(
        "ix_learning_sessions_user_updated", "learning_sessions", ["user_id", "updated_at"]
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("learning_sessions")
