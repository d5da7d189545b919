"""The test suite. Like the `fairbot` command, it builds aiogram's types on first use
(bot.lazy_types), so the tests run the bot as it runs in production."""

from bot import lazy_types

lazy_types.install()
