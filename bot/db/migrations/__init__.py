"""Alembic migrations of the fairbot database (configured in code by bot.db.migrate)."""
