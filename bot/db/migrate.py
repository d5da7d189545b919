"""Apply, revert and write schema migrations, configured in code (no alembic.ini at run time)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The key of the PostgreSQL advisory lock held while migrating: processes starting at once take
# turns, and the ones after the first find the database at head. (Any fixed 64-bit number.)
MIGRATION_LOCK_KEY = 0x6661697262_6F74  # "fairbot"


def alembic_config(url: str) -> Config:
    config = Config()
    # The package path, so that an installed fairbot finds its migrations too.
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    # Kept out of the ini options: URLs may hold '%' that configparser would interpolate.
    config.attributes["url"] = url
    return config


async def _on_connection(url: str, action: str, *args: object) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Released when this transaction ends (Alembic's DDL is transactional here).
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )

            def run(sync_connection: Connection) -> None:
                config = alembic_config(url)
                config.attributes["connection"] = sync_connection
                getattr(command, action)(config, *args)

            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (all migrations by default)."""
    await _on_connection(url, "upgrade", revision)


async def downgrade(url: str, revision: str) -> None:
    """Take the database back to `revision` ("base" empties it)."""
    await _on_connection(url, "downgrade", revision)


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def write_revision(url: str, message: str, *, autogenerate: bool = True) -> None:
    """Write a new migration file comparing the models with the database at `url` (at head)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def run(sync_connection: Connection) -> None:
                config = alembic_config(url)
                config.attributes["connection"] = sync_connection
                command.revision(config, message=message, autogenerate=autogenerate)

            await connection.run_sync(run)
    finally:
        await engine.dispose()
