"""Update middlewares: log context, replies after commit, unit of work (and work after its commit),
duplicate ledger, users, language, throttling."""

from bot.middlewares.context import UpdateContextMiddleware
from bot.middlewares.fsm import FsmLockMiddleware, FsmStateMiddleware
from bot.middlewares.i18n import FSM_LANGUAGE_KEY, I18nMiddleware
from bot.middlewares.ledger import DUPLICATE, DuplicateUpdate, LedgerMiddleware
from bot.middlewares.replies import Replies, RepliesMiddleware
from bot.middlewares.throttling import (
    FloodCounter,
    MemoryFloodCounter,
    RedisFloodCounter,
    ThrottlingMiddleware,
)
from bot.middlewares.unit_of_work import AfterCommit, UnitOfWorkMiddleware
from bot.middlewares.users import KnownUserMiddleware

__all__ = [
    "DUPLICATE",
    "FSM_LANGUAGE_KEY",
    "AfterCommit",
    "DuplicateUpdate",
    "FloodCounter",
    "FsmLockMiddleware",
    "FsmStateMiddleware",
    "I18nMiddleware",
    "KnownUserMiddleware",
    "LedgerMiddleware",
    "MemoryFloodCounter",
    "RedisFloodCounter",
    "Replies",
    "RepliesMiddleware",
    "ThrottlingMiddleware",
    "UnitOfWorkMiddleware",
    "UpdateContextMiddleware",
]
