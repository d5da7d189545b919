"""Fault injection and flood control of the fake Bot API: 429 bans, 403, 400, 5xx, timeouts."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.fakeapi.errors import BLOCKED, DEACTIVATED, ApiError, too_many_requests

# Methods that put something into a chat; Telegram's flood control and our bans apply to them.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
    }
)

_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: BLOCKED,
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_ALIASES = {
    "blocked": (403, BLOCKED),
    "deactivated": (403, DEACTIVATED),
    "chat_not_found": (400, "Bad Request: chat not found"),
}


@dataclass
class Fault:
    """One injected fault: which requests it matches, what it answers, how often.

    `error` is an HTTP code (429, 403, 400, 500, 502, ...), "blocked", "deactivated",
    "chat_not_found", "timeout" (the request is held past the client's patience) or "reset"
    (the connection is dropped without an answer).
    """

    error: int | str
    methods: frozenset[str] | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    retry_after: int = 1
    description: str | None = None
    probability: float = 1.0
    hold: float | None = None
    hits: int = 0

    def matches(self, method: str, chat_id: object, rng: random.Random) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.methods is not None and method not in self.methods:
            return False
        if self.chat_id is not None and str(self.chat_id) != str(chat_id):
            return False
        return self.probability >= 1.0 or rng.random() < self.probability

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def to_error(self) -> ApiError:
        if isinstance(self.error, str):
            code, description = _ALIASES[self.error]
            return ApiError(code, self.description or description)
        if self.error == 429:
            return too_many_requests(self.retry_after)
        description = self.description or _DESCRIPTIONS.get(self.error, f"Error {self.error}")
        return ApiError(self.error, description)


@dataclass
class FaultPlan:
    """The faults waiting to happen, checked in the order they were added."""

    seed: int = 0
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add(
        self,
        method: str | Iterable[str] | None = None,
        *,
        error: int | str = 429,
        chat_id: int | str | None = None,
        times: int | None = 1,
        retry_after: int = 1,
        description: str | None = None,
        probability: float = 1.0,
        hold: float | None = None,
    ) -> Fault:
        """Inject a fault for `method` (a name, several, or None for every method).

        `times=None` keeps the fault forever; `probability` makes it random (seeded).
        """
        if isinstance(error, str) and error not in (*_ALIASES, "timeout", "reset"):
            raise ValueError(f"unknown fault kind {error!r}")
        if isinstance(error, int) and error == 429 and retry_after < 1:
            raise ValueError("retry_after is whole seconds, at least 1, as Telegram gives it")
        methods = frozenset([method] if isinstance(method, str) else method) if method else None
        fault = Fault(
            error=error,
            methods=methods,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            description=description,
            probability=probability,
            hold=hold,
        )
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, chat_id: object) -> Fault | None:
        """The first fault matching this request, counted as used."""
        if not self.faults:
            return None
        for fault in self.faults:
            if fault.matches(method, chat_id, self._rng):
                fault.hits += 1
                if fault.exhausted:
                    self.faults.remove(fault)
                return fault
        return None


class SendWindow:
    """Sliding one-second window of accepted sends for one bot token; O(1) amortised."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def retry_after(self, now: float, limit: int) -> int | None:
        """Whole seconds to wait if one more send now would exceed `limit` per second."""
        times = self._times
        while times and times[0] <= now - 1.0:
            times.popleft()
        if len(times) < limit:
            return None
        return max(1, math.ceil(times[0] + 1.0 - now))

    def record(self, now: float) -> None:
        self._times.append(now)
