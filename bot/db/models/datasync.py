"""Which version of the data files is in force across all bot processes (bot.services.datasync)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

DATA_VERSION_ROW = 1


class DataVersion(Base):
    """One row (id 1), made by the migration. Each successful /reload raises `version` by one in
    the transaction of the reload; every process polls the row and re-reads its own data files
    when the version is newer than the one it has. `content_hash` is that of the files the
    reload read (processes with other files warn); `reloaded_by` the organiser's Telegram id."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    reloaded_at: Mapped[datetime | None]
    reloaded_by: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
