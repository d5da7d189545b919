"""Router plumbing: synchronous filters run in the event loop, and guards checked last.

`run_sync_callbacks_inline`: the dispatcher's synchronous filters run in the event loop instead
of aiogram's thread pool.

aiogram calls every filter or handler that is not a coroutine function through
`asyncio.to_thread`: magic filters (`F.text`, `F.chat.type == "private"`), FSM states used as
filters, lambdas. Ours are a few attribute lookups each, and a thread-pool round trip costs far
more than that (a hand-off to another thread and back, and the GIL between them); with a dozen
such checks per update it was a large part of what an update cost. They never block, so they
are called inline.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject, FilterObject
from aiogram.filters import Filter


def _inline(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    async def call(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    return call


def _callables(router: Router) -> Iterator[CallableObject]:
    for each in router.chain_tail:
        for observer in each.observers.values():
            # `_handler` holds the filters set on the observer itself (router.message.filter).
            for handler in (observer._handler, *observer.handlers):
                yield handler
                yield from handler.filters or ()


def run_sync_callbacks_inline(router: Router) -> int:
    """Make every synchronous filter and handler under `router` run in the event loop; call it
    once the routers are included. Returns how many were changed."""
    changed = 0
    for callable_object in _callables(router):
        if not callable_object.awaitable:
            callable_object.callback = _inline(callable_object.callback)
            callable_object.awaitable = True
            changed += 1
    return changed


def thread_pool_callbacks(router: Router) -> list[CallableObject]:
    """Filters and handlers under `router` that aiogram would still run in a thread."""
    return [each for each in _callables(router) if not each.awaitable]


def guard_handlers(router: Router, events: Iterable[str], guard: Filter) -> None:
    """Add `guard` as the last filter of every handler of `events` under `router` (call it once
    the handlers are registered). Same effect as `router.<event>.filter(guard)`, but an update
    that no handler's own filters take never pays for the guard (e.g. a database query)."""
    for each in router.chain_tail:
        for name in events:
            for handler in each.observers[name].handlers:
                handler.filters = [*(handler.filters or ()), FilterObject(guard)]
