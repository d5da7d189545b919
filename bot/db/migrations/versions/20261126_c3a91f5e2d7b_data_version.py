"""data_version: the version of the data files in force across processes (/reload)

One row, inserted here with version 0 and no content hash: the first process to start records
the hash of its files; each successful /reload raises the version.

Revision ID: c3a91f5e2d7b
Revises: b7e1cc710193
Create Date: 2026-11-26 00:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "c3a91f5e2d7b"
down_revision: str | None = "b7e1cc710193"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("reloaded_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reloaded_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
