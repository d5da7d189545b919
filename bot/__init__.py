"""fairbot: the Telegram bot of a career fair (students, employers, organisers)."""

from bot import lazy_types

lazy_types.install()
