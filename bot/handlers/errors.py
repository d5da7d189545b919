"""What happens when handling an update fails: the operator gets a log line, the person a word."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.types import ErrorEvent, Update
from aiogram.types import User as TelegramUser
from aiohttp import ClientError
from sqlalchemy import exc as sa_exc

from bot.i18n import Translate, Translator, language_from_telegram
from bot.middlewares.ledger import DuplicateUpdate

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database did not answer while this update was handled. The update must not be
    acknowledged: the pipeline retries it (polling) or lets Telegram re-deliver it (webhook)."""

    def __init__(self, update_id: int, notice: TelegramMethod[Any] | None) -> None:
        super().__init__(f"database unavailable while handling update {update_id}")
        self.update_id = update_id
        self.notice = notice


_OUTAGE_TYPES = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no connection free in the pool
    ConnectionError,  # refused / reset while connecting (asyncpg raises these raw)
    asyncio.TimeoutError,
)


def is_database_outage(error: BaseException) -> bool:
    """True when `error` (or what caused it) means the database is unreachable or busy,
    as opposed to a bug in a query or trouble reaching Telegram."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TelegramAPIError | TelegramNetworkError | ClientError):
            # Its cause may be a ConnectionError or a timeout too, but of the Bot API.
            return False
        if isinstance(current, (DatabaseUnavailable, *_OUTAGE_TYPES)):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False


def notice_for(update: Update, text: str) -> TelegramMethod[Any] | None:
    """A short answer to the person behind `update`, as a Bot API method to execute."""
    if update.callback_query is not None:
        return AnswerCallbackQuery(
            callback_query_id=update.callback_query.id, text=text, show_alert=True
        )
    if update.message is not None:
        return SendMessage(chat_id=update.message.chat.id, text=text)
    return None


def _not_duplicate(event: ErrorEvent) -> bool:
    return not isinstance(event.exception, DuplicateUpdate)


async def on_error(
    event: ErrorEvent,
    translator: Translator,
    event_from_user: TelegramUser | None = None,
    t: Translate | None = None,
) -> TelegramMethod[Any] | None:
    update = event.update
    error = event.exception
    user_id = event_from_user.id if event_from_user else None
    if t is None:  # failed before the language was known (e.g. the database is down)
        lang = language_from_telegram(event_from_user.language_code if event_from_user else None)
        t = translator.bind(lang)
    if is_database_outage(error):
        # No traceback: an outage is not a bug, and this line repeats while it lasts.
        log.warning(
            "database unavailable, update %s of user %s deferred: %s",
            update.update_id,
            user_id,
            type(error).__name__,
        )
        raise DatabaseUnavailable(update.update_id, notice_for(update, t("error-temporary")))
    log.error(
        "update %s of user %s failed: %s",
        update.update_id,
        user_id,
        type(error).__name__,
        exc_info=error,
    )
    return notice_for(update, t("error-generic"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error, _not_duplicate)
    return router
