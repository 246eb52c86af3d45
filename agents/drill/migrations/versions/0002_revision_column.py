"""A `revision` column on sessions: the stale-write check compares and bumps it in one UPDATE.

Revision ID: 0002
Revises: 0001

The revision used to be read out of the JSON snapshot (SQLite's json_extract); a plain column
works the same on both engines and lets `UPDATE ... WHERE revision = :seen` refuse a stale save
without a separate locking read. Existing rows get the revision their snapshot holds.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column and fill it from each snapshot."""
    op.add_column("sessions", sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    sessions = sa.table(
        "sessions", sa.column("id", sa.Text), sa.column("state", sa.Text),
        sa.column("revision", sa.Integer),
    )  # fmt: skip
    bind = op.get_bind()
    for session_id, state in bind.execute(sa.select(sessions.c.id, sessions.c.state)).all():
        seen = json.loads(state).get("revision") or 0
        if seen:
            bind.execute(sessions.update().where(sessions.c.id == session_id).values(revision=seen))


def downgrade() -> None:
    """Drop the column (the snapshot still carries the revision)."""
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("revision")
