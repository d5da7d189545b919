"""Load driving: many simulated users through scripted conversations, with reply latencies.

Latency of a step runs from the moment its update became available to the bot (the getUpdates
answer that carried it, or the start of its webhook POST) to the bot's first reaction in that
chat (a new or edited message, or a callback answer). Queueing inside the fake server before the
bot asked is not counted; it is reported separately as end-to-end time.

    async def onboarding(user: SimUser, steps: Steps) -> None:
        await steps.send("start", "/start")
        await steps.press("language", "English")
        await steps.send("interests", "satellites, robotics")

    report = await run_conversations(server, onboarding, users=100)
    print(report.summary())
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.fakeapi.users import BotMessage, CallbackAnswer, InlineButton, NoReplyError, Sent, SimUser

if TYPE_CHECKING:
    from bot.fakeapi.server import FakeTelegramServer

Conversation = Callable[[SimUser, "Steps"], Awaitable[None]]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    # ceil(share * n) is the 1-based rank; the epsilon keeps 0.99 * 100 from rounding up.
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered) - 1e-9) - 1))
    return ordered[rank]


@dataclass
class StepFigures:
    name: str
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    end_to_end_p50_ms: float


@dataclass
class LoadReport:
    users: int
    duration: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # seconds, by step
    end_to_end: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def updates(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.duration if self.duration > 0 else 0.0

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]

    def steps(self) -> list[StepFigures]:
        figures = []
        for name, values in self.latencies.items():
            if values:
                figures.append(
                    StepFigures(
                        name,
                        len(values),
                        percentile(values, 0.5) * 1000,
                        percentile(values, 0.99) * 1000,
                        max(values) * 1000,
                        statistics.median(self.end_to_end[name]) * 1000,
                    )
                )
        return figures

    def summary(self) -> str:
        lines = [
            f"{self.users} users, {self.updates} updates in {self.duration:.2f} s: "
            f"{self.updates_per_second:.0f} updates/s"
        ]
        values = self.all_latencies()
        if values:
            lines.append(
                f"reply latency p50 {percentile(values, 0.5) * 1000:.1f} ms, "
                f"p99 {percentile(values, 0.99) * 1000:.1f} ms"
            )
        lines.append(
            f"{'step':<20} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'e2e p50':>8}"
        )
        for step in self.steps():
            lines.append(
                f"{step.name:<20} {step.count:>6} {step.p50_ms:>8.1f} {step.p99_ms:>8.1f} "
                f"{step.max_ms:>8.1f} {step.end_to_end_p50_ms:>8.1f}"
            )
        if self.errors:
            lines.append(f"{len(self.errors)} conversation(s) failed; first: {self.errors[0]}")
        return "\n".join(lines)


class Steps:
    """Timed steps of one simulated user's conversation."""

    def __init__(
        self, server: FakeTelegramServer, user: SimUser, report: LoadReport, reply_timeout: float
    ) -> None:
        self.server = server
        self.user = user
        self.report = report
        self.reply_timeout = reply_timeout

    async def send(self, name: str, text: str) -> BotMessage:
        """Send `text`, time the bot's reaction, return its next message."""
        await self.timed(name, lambda: self.user.send(text))
        return await self.user.next_message(timeout=self.reply_timeout)

    async def press(
        self, name: str, button: str | int | InlineButton | None = None, *, data: str | None = None
    ) -> CallbackAnswer:
        answer: list[CallbackAnswer] = []

        async def action() -> None:
            answer.append(await self.user.press(button, data=data, timeout=self.reply_timeout))

        await self.timed(name, action)
        return answer[0]

    async def share_contact(self, name: str, phone_number: str | None = None) -> BotMessage:
        await self.timed(name, lambda: self.user.share_contact(phone_number))
        return await self.user.next_message(timeout=self.reply_timeout)

    async def timed(self, name: str, action: Callable[[], Awaitable[Sent | Any]]) -> None:
        """Run an action that creates one update and record how long the bot took to react."""
        chat = self.user.chat
        mark = len(chat.events)
        before = chat.last_update_id
        await action()
        update_id = chat.last_update_id
        if update_id is None or update_id == before:
            raise AssertionError(f"step {name!r} created no update")
        deadline = time.monotonic() + self.reply_timeout
        while len(chat.events) <= mark:
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoReplyError(f"no reaction to step {name!r} within {self.reply_timeout} s")
            await chat.changed(left)
        reacted = chat.events[mark].at
        update = self.server.update_log.updates.get(update_id)
        created = update.created_at if update is not None else reacted
        handed = self.server.handed_at(update_id) or created
        self.report.latencies.setdefault(name, []).append(reacted - handed)
        self.report.end_to_end.setdefault(name, []).append(reacted - created)


async def run_conversations(
    server: FakeTelegramServer,
    conversation: Conversation,
    *,
    users: int,
    concurrency: int | None = None,
    reply_timeout: float = 10.0,
    token: str | None = None,
) -> LoadReport:
    """Run `conversation` for `users` new simulated users at once (at most `concurrency`)."""
    languages = ("kk", "ru", "en")
    people = [
        server.user(f"Student {n}", language_code=languages[n % 3], token=token)
        for n in range(users)
    ]
    report = LoadReport(users=users, duration=0.0)
    gate = asyncio.Semaphore(concurrency or users)

    async def one(user: SimUser) -> None:
        async with gate:
            try:
                await conversation(user, Steps(server, user, report, reply_timeout))
            except AssertionError as problem:  # NoReplyError included
                report.errors.append(f"{user}: {str(problem).splitlines()[0]}")

    started = time.monotonic()
    await asyncio.gather(*(one(user) for user in people))
    report.duration = time.monotonic() - started
    return report


async def echo_conversation(user: SimUser, steps: Steps) -> None:
    """Three messages to the echo bot, each checked."""
    for number in range(3):
        text = f"message {number} from {user.id}"
        reply = await steps.send(f"echo {number}", text)
        if reply.text != text:
            raise AssertionError(f"echo answered {reply.text!r} to {text!r}")


async def _send_many(
    base_url: str, token: str, chat_ids: list[int], messages: int, concurrency: int
) -> None:
    """Client side of the send-rate measurement: aiogram sending as fast as it can."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url), limit=concurrency)
    async with Bot(token, session=session) as bot:
        counter = iter(range(messages))

        async def worker() -> None:
            for number in counter:
                await bot.send_message(chat_ids[number % len(chat_ids)], f"broadcast {number}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))


@dataclass
class SendRate:
    messages: int
    per_second: float  # between the first and the last request the server answered
    server_cpu_per_message: float  # seconds of this process's CPU per sendMessage

    def summary(self, clients: int) -> str:
        return (
            f"fake server absorbed {self.per_second:.0f} sendMessage/s from {clients} aiogram "
            f"client process(es) ({self.messages} messages); server CPU "
            f"{self.server_cpu_per_message * 1e6:.0f} us per message, i.e. one core could "
            f"answer ~{1 / self.server_cpu_per_message:.0f}/s"
        )


async def measure_send_rate(
    server: FakeTelegramServer, *, messages: int = 10_000, clients: int = 2, concurrency: int = 50
) -> SendRate:
    """How fast one server absorbs sendMessage from aiogram clients in `clients` processes.

    The rate is measured between the first and the last request the server answered, so the
    clients' start-up (importing aiogram) is not counted. On a small machine the clients are
    the bottleneck; the server's CPU per message shows what the server alone could take.
    """
    import sys

    per_client = messages // clients
    processes = []
    cpu_before = time.process_time()
    for number in range(clients):
        chats = [server.user(f"Reader {number}-{n}", started=True).id for n in range(20)]
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.fakeapi.load",
                server.base_url,
                server.token,
                ",".join(map(str, chats)),
                str(per_client),
                str(concurrency),
            )
        )
    for process in processes:
        if await process.wait() != 0:
            raise RuntimeError("a sending client failed")
    cpu = time.process_time() - cpu_before
    calls = server.calls("sendMessage", ok=True)
    if len(calls) < 2:
        raise RuntimeError("no messages arrived")
    rate = (len(calls) - 1) / (calls[-1].monotonic - calls[0].monotonic)
    return SendRate(len(calls), rate, cpu / len(calls))


async def _measure(messages: int, clients: int) -> None:
    from bot.fakeapi.server import FakeTelegramServer

    async with FakeTelegramServer() as server:
        rate = await measure_send_rate(server, messages=messages, clients=clients)
        print(rate.summary(clients))


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 6:  # a sending client started by measure_send_rate
        base, token, chats, count, width = sys.argv[1:]
        asyncio.run(
            _send_many(base, token, [int(c) for c in chats.split(",")], int(count), int(width))
        )
    else:
        total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
        processes = int(sys.argv[2]) if len(sys.argv) > 2 else 2
        asyncio.run(_measure(total, processes))
