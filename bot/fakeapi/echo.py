"""A bare aiogram echo bot: the baseline for benchmarks and the bot the fakeapi tests talk to."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message


def echo_router() -> Router:
    """A Router that answers every text message with the same text (no parse mode)."""
    router = Router(name=__name__)

    @router.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(message.text, parse_mode=None)

    return router
