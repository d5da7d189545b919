"""What the fake server saw: every Bot API request with its answer, and running counters."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Upload:
    """A file that arrived in a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class RecordedRequest:
    """One Bot API call as the server saw it (JSON fields it read are parsed, files are Uploads)."""

    method: str
    params: dict[str, Any]
    bot_id: int
    at: float  # time.time() when it arrived
    monotonic: float  # time.monotonic() when it arrived
    status: int = 200
    description: str | None = None
    during_ban: bool = False
    fault: int | str | None = None  # the injected fault that answered it, if any
    source: str = "http"  # or "webhook-response": a method returned in a webhook answer
    content_type: str = ""  # of the request's body: application/json, multipart/form-data, …
    result: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        """chat_id as a number when it is one (form bodies carry it as text)."""
        value = self.params.get("chat_id")
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value if isinstance(value, int | str) else None


@dataclass
class ServerStats:
    """Counters kept as requests are answered; reading them costs nothing."""

    requests: Counter[str] = field(default_factory=Counter)  # every request, by method
    sent: Counter[str] = field(default_factory=Counter)  # accepted sending calls, by method
    errors: Counter[int] = field(default_factory=Counter)  # error answers, by error_code
    retry_after_given: int = 0  # 429 answers
    requests_during_ban: int = 0  # sending calls made while a retry_after ban was running
    updates_created: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    redeliveries: int = 0


class RequestLog(list[RecordedRequest]):
    """`server.requests`: a list, plus an index by method so `calls()` is cheap."""

    def __init__(self) -> None:
        super().__init__()
        self.by_method: defaultdict[str, list[RecordedRequest]] = defaultdict(list)
        self.answered: Counter[tuple[str, bool]] = Counter()  # (method, ok) once answered

    def record(self, request: RecordedRequest) -> None:
        self.append(request)
        self.by_method[request.method].append(request)

    def clear(self) -> None:
        super().clear()
        self.by_method.clear()
        self.answered.clear()
