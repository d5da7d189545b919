"""The leads migration keeps the shares made before it: their score and matched openings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.db.engine import create_engine
from bot.db.migrate import upgrade

BEFORE = "4d9b11c44b9f"


async def test_shares_made_before_get_their_score_and_openings(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    await upgrade(url, BEFORE)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO users (id, created_at, is_active)"
                " VALUES (7, '2027-09-01 10:00:00', 1)",
                "INSERT INTO student_matches (user_id, org_slug, rank, score, reasons, openings,"
                " computed_at) VALUES (7, 'ghalam', 1, 87.5, '[]', '[\"ait-engineer\", \"x\"]',"
                " '2027-09-01 10:00:00')",
                "INSERT INTO contact_shares (user_id, org_slug, created_at, feedback_opt_in)"
                " VALUES (7, 'ghalam', '2027-09-01 10:05:00', 1)",
            ):
                await connection.execute(text(statement))
        await upgrade(url)
        async with engine.connect() as connection:
            share = (
                await connection.execute(text("SELECT score, status FROM contact_shares"))
            ).one()
            openings = (
                await connection.execute(
                    text("SELECT opening_id, org_slug FROM lead_openings ORDER BY opening_id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert tuple(share) == (87.5, "new")
    assert [tuple(row) for row in openings] == [("ait-engineer", "ghalam"), ("x", "ghalam")]
