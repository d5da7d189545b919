"""leads: status, notes, openings, digests

Revision ID: b7e1cc710193
Revises: 98f2358ec935
Create Date: 2026-11-25 16:50:03.427641
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "b7e1cc710193"
down_revision: str | None = "98f2358ec935"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="new", nullable=False)
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", bot.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("updated_by", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("viewed_at", bot.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("told_viewed_at", bot.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("told_interview_at", bot.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_index(batch_op.f("ix_contact_shares_org_created"))
        batch_op.create_index(
            "ix_contact_shares_org_created_id", ["org_slug", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_contact_shares_org_status",
            ["org_slug", "status", "created_at", "id"],
            unique=False,
        )
    op.create_table(
        "lead_openings",
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.String(length=64), nullable=False),
        sa.Column("org_slug", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["contact_shares.id"],
            name=op.f("fk_lead_openings_share_id_contact_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", "opening_id", name=op.f("pk_lead_openings")),
    )
    with op.batch_alter_table("lead_openings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lead_openings_org_opening",
            ["org_slug", "opening_id", "created_at", "share_id"],
            unique=False,
        )
    op.create_table(
        "representative_digests",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("last_digest_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["representatives.user_id"],
            name=op.f("fk_representative_digests_user_id_representatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_representative_digests")),
    )
    _backfill()


def _backfill() -> None:
    """Shares made before this revision: the score and openings of the student's stored match."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT s.id, s.org_slug, s.created_at, m.score, m.openings FROM contact_shares s "
            "JOIN student_matches m ON m.user_id = s.user_id AND m.org_slug = s.org_slug"
        )
    ).all()
    openings = sa.table(
        "lead_openings",
        sa.column("share_id", sa.Integer()),
        sa.column("opening_id", sa.String()),
        sa.column("org_slug", sa.String()),
        sa.column("created_at", bot.db.base.UTCDateTime(timezone=True)),
    )
    for share_id, org, created_at, score, found in rows:
        bind.execute(
            sa.text("UPDATE contact_shares SET score = :score WHERE id = :id"),
            {"score": score, "id": share_id},
        )
        ids = json.loads(found) if isinstance(found, str) else (found or [])
        for opening_id in dict.fromkeys(ids):
            bind.execute(
                openings.insert().values(
                    share_id=share_id, opening_id=opening_id, org_slug=org,
                    created_at=_aware(created_at),
                )
            )  # fmt: skip


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def downgrade() -> None:
    with op.batch_alter_table("contact_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_shares_org_status")
        batch_op.drop_index("ix_contact_shares_org_created_id")
        batch_op.create_index(
            batch_op.f("ix_contact_shares_org_created"), ["org_slug", "created_at"], unique=False
        )
        batch_op.drop_column("told_interview_at")
        batch_op.drop_column("told_viewed_at")
        batch_op.drop_column("viewed_at")
        batch_op.drop_column("updated_by")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("note")
        batch_op.drop_column("status")
        batch_op.drop_column("score")

    op.drop_table("representative_digests")
    with op.batch_alter_table("lead_openings", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_openings_org_opening")

    op.drop_table("lead_openings")
