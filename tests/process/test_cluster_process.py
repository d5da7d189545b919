"""Two `fairbot run` processes in webhook mode on one fresh PostgreSQL database and one Redis
prefix, behind the fake Telegram spreading deliveries over both (round robin; a refused delivery
goes to the other, as a load balancer and Telegram's retries do). Students onboard, a broadcast
goes out, reminders fall due; one process is killed with SIGKILL in the middle.

What must hold: every update handled exactly once (the ledger has each; no question asked twice
to a student whose replies all arrived), every broadcast recipient got the message (duplicates
only within the killed worker's in-flight rows, printed), every reminder went out once.

A reply can be lost for good by a kill -9 between the commit and the send (the re-delivered
update is then a duplicate): the simulated student does what a person does when the bot says
nothing, sends /start, which resumes onboarding at the step the bot is at. Those retries are
counted and printed; they are bounded by the updates in flight at the kill.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.bench.reminders import OFFSET, SESSION_ID, _data_dir, _seed_people, _seed_schedule
from bot.bench.updates import INTERESTS, start_bots
from bot.callbacks import (
    ConsentChoice,
    LanguageChoice,
    OnboardingAction,
    SeekingPick,
    StudyLevelChoice,
    TopicPick,
)
from bot.clock import SystemClock
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import OutboxMessage, ProcessedUpdate, ScheduledSession, StudentProfile
from bot.fakeapi import FakeTelegramServer, SimUser, Timings
from bot.fakeapi.state import PendingUpdate
from bot.fakeapi.users import BotMessage, NoReplyError
from tests.conftest import PostgresDatabases
from tests.delivery.conftest import enqueue_texts

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

REPO = Path(__file__).resolve().parents[2]
STUDENTS = 10
READERS = 300
BROADCAST = "Hall B opens at ten"
REMINDER_MARKS = ("Plenary", "Пленар")
# The reminders fall due this long after the people subscribed: after the kill. (Start-up of a
# process takes 3-20 s on a busy machine, too uncertain to place the session in the data file:
# the file has it in two hours, and the test moves it in the database, which every process
# reads on each reminder sweep.)
REMINDER_LEAD = timedelta(seconds=8)
# Seconds without an answer before a simulated student tries /start: long enough for a person's
# lock of the killed process to expire (FSM_LOCK_SECONDS) on a loaded two-core machine.
QUIET = 10.0


def _screen(message: BotMessage | None) -> str | None:
    """Which onboarding screen the bot's newest message is."""
    if message is None:
        return None
    data = [b.callback_data or "" for b in message.buttons]
    if any(d.startswith("m:share:") for d in data):
        return "done"
    if any(d.startswith("lg:") for d in data):
        return "language"
    if any(d.startswith("cs:") for d in data):
        return "consent"
    for step in range(10, 0, -1):
        if f"{step}/10." in message.body:
            if step == 7 and any(b.text.startswith("✓") for b in message.buttons):
                return "7-checked"
            return str(step)
    return None


async def _act(user: SimUser, screen: str) -> None:
    lang = user.language_code or "en"
    press = {
        "language": LanguageChoice(lang=lang).pack(),
        "consent": ConsentChoice(agree=True).pack(),
        "1": OnboardingAction(action="tg-name").pack(),
        "3": StudyLevelChoice(degree="bachelor", year=3).pack(),
        "6": TopicPick(action="done").pack(),
        "7": SeekingPick(kind="internship").pack(),
        "7-checked": SeekingPick(kind="done").pack(),
    }
    send = {
        "2": "KazNU",
        "4": "Physics",
        "5": INTERESTS[lang],
        "9": f"student{user.id}@example.org",
        "10": "skip",
    }
    if screen in press:
        await user.press(data=press[screen], timeout=QUIET)
    elif screen in send:
        await user.send(send[screen])
    elif screen == "8":
        await user.share_contact()


def _other_screen(seen: str | None) -> Callable[[BotMessage], bool]:
    return lambda message: _screen(message) not in (None, seen)


async def onboard(user: SimUser, retries: Counter[int], deadline: float) -> None:
    """Read the screen, do what it asks, wait for the next one; /start after a silence."""
    await user.send("/start")
    acted: str | None = None
    while time.monotonic() < deadline:
        screen = _screen(user.last_message)
        if screen == "done":
            return
        if screen is not None and screen != acted:
            acted = screen
            # A lost callback answer: the silence below handles it.
            with contextlib.suppress(NoReplyError):
                await _act(user, screen)
        try:
            await user.wait_for_message(_other_screen(acted), timeout=QUIET)
        except NoReplyError:
            retries[user.id] += 1
            acted = None
            await user.send("/start")
            # Read the bot's answer to /start before doing anything else.
            with contextlib.suppress(NoReplyError):
                await user.wait_for_message(_other_screen(None), timeout=QUIET)
    raise AssertionError(f"{user} did not finish onboarding\n{user.describe_chat()}")


async def _scrape(listen: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"http://{listen}/metrics") as response:
        return await response.text()


def _handled(metrics: str) -> float:
    return sum(
        float(line.rpartition(" ")[2])
        for line in metrics.splitlines()
        if line.startswith("fairbot_updates_total{") and 'outcome="handled"' in line
    )


async def test_two_processes_one_killed_nothing_lost_nothing_twice(
    tmp_path: Path, postgres: PostgresDatabases, redis_url: str, redis_prefix: str
) -> None:
    name, url = await postgres.fresh(migrated=False)  # both processes migrate it at once
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    data_dir = _data_dir(REPO / "data", tmp_path / "data", SystemClock().now() + timedelta(hours=2))
    env = {
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": redis_prefix,
        "DELIVERY_RATE": "80",
        "PAID_BROADCAST": "true",
        "DELIVERY_LEASE_SECONDS": "2",
        "FSM_LOCK_SECONDS": "3",
        "REMINDER_SWEEP_SECONDS": "1",
        "THROTTLE_LIMIT": "200",
        "LOG_LEVEL": "INFO",
    }
    timings = Timings(reply_timeout=QUIET, callback_answer_timeout=QUIET, webhook_timeout=10.0)
    try:
        async with FakeTelegramServer(timings=timings) as server:
            bots = await start_bots(
                server, token=server.token, database_url=url, workdir=tmp_path, count=2,
                webhook=True, data_dir=data_dir, extra_env=env,
            )  # fmt: skip
            victim, survivor = bots
            try:
                readers = await _seed_people(server, sessionmaker, READERS)
                await _seed_schedule(sessionmaker, data_dir, readers)
                starts = SystemClock().now() + REMINDER_LEAD + OFFSET
                async with sessionmaker() as session, session.begin():
                    await session.execute(
                        update(ScheduledSession)
                        .where(ScheduledSession.id == SESSION_ID)
                        .values(starts_at=starts, ends_at=starts + timedelta(hours=1))
                    )
                students = [
                    server.user(f"Student {n}", language_code=("kk", "ru", "en")[n % 3])
                    for n in range(STUDENTS)
                ]
                await enqueue_texts(sessionmaker, SystemClock(), sorted(readers), text=BROADCAST)
                retries: Counter[int] = Counter()
                deadline = time.monotonic() + 90
                onboarding = asyncio.gather(*(onboard(s, retries, deadline) for s in students))

                def broadcast_sent() -> int:
                    return sum(
                        1
                        for c in server.calls("sendMessage", ok=True)
                        if c.params.get("text") == BROADCAST
                    )

                # Mid-way: students about a third through onboarding, the broadcast going out.
                await server.wait_until(
                    lambda: server.stats.webhook_deliveries >= STUDENTS * 5, timeout=60
                )
                before_kill = [await _scrape(bot.listen or "") for bot in bots]
                victim.process.send_signal(signal.SIGKILL)
                await victim.process.wait()
                async with sessionmaker() as session:
                    in_flight = await session.scalar(
                        select(func.count()).where(
                            OutboxMessage.status == "sending",
                            OutboxMessage.claimed_by.like(f"%:{victim.process.pid}:%"),
                        )
                    )
                sent_at_kill = broadcast_sent()
                finished_at_kill = sum(_screen(s.last_message) == "done" for s in students)

                await onboarding
                try:
                    await server.wait_until(
                        lambda: (
                            len(_per_chat(server, BROADCAST)) == READERS
                            and len(_per_chat(server, *REMINDER_MARKS)) == READERS
                        ),
                        timeout=40,
                    )
                except AssertionError:
                    raise AssertionError(
                        f"broadcast reached {len(_per_chat(server, BROADCAST))}, reminders "
                        f"{len(_per_chat(server, *REMINDER_MARKS))} of {READERS}\n"
                        + survivor.log_tail(30)
                    ) from None
                await server.wait_delivered(timeout=10)
                await asyncio.sleep(0.5)  # last outcomes recorded
                survivor.process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(survivor.process.wait(), 12)
            finally:
                for bot in bots:
                    await bot.stop()
            assert code == 0, survivor.log_tail(30)
            update_ids = {
                u.update_id for u in server.update_log.updates.values() if u.token == server.token
            }
            pending = server.pending_updates(server.token)
            attempts: dict[int, list[PendingUpdate]] = {}
            for item in server.update_log.updates.values():
                attempts.setdefault(item.chat_id or 0, []).append(item)

        async with sessionmaker() as session:
            ledger = set(await session.scalars(select(ProcessedUpdate.update_id)))
            profiles = await session.scalar(
                select(func.count()).where(StudentProfile.completed_at.is_not(None))
            )
            by_status = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            outbox = Counter(dict((await session.execute(by_status)).all()))
    finally:
        await engine.dispose()
        with contextlib.suppress(Exception):
            await postgres.drop(name)

    broadcast = _per_chat(server, BROADCAST)
    reminders = _per_chat(server, *REMINDER_MARKS)
    duplicates = sum(n - 1 for n in broadcast.values())
    print(
        f"\nbefore the kill: {[_handled(m) for m in before_kill]} updates handled per process; "
        f"students done at the kill {finished_at_kill}/{STUDENTS}; "
        f"broadcast sent at the kill {sent_at_kill}/{READERS}, rows in flight {in_flight}; "
        f"broadcast duplicates {duplicates}; reminder duplicates "
        f"{sum(n - 1 for n in reminders.values())}; students' /start retries {dict(retries)}"
    )
    assert all(_handled(m) > 0 for m in before_kill), "both processes took updates"
    assert finished_at_kill < STUDENTS, "the kill came too late"
    assert sent_at_kill < READERS, "the kill came too late"
    # Every update handled exactly once.
    assert pending == 0
    assert update_ids <= ledger
    assert profiles == STUDENTS
    for student in students:
        if retries[student.id]:
            continue  # the repeated question is the answer to their /start
        asked = Counter(
            _screen(m) for m in student.messages if _screen(m) not in (None, "7-checked", "done")
        )
        assert all(n == 1 for n in asked.values()), (asked, student.describe_chat(20))
    # A reply lost at the kill costs one student one retry (more: the survivor stalled).
    stalled = [s for s in students if retries[s.id] > 1]
    assert not stalled, [
        (s.describe_chat(30), [(u.update_id, u.attempts) for u in attempts[s.id]]) for s in stalled
    ]
    # Broadcast: everyone, twice only within the killed worker's in-flight rows.
    assert set(broadcast) == readers
    assert duplicates <= (in_flight or 0)
    # Reminders (due after the kill, sent by the survivor): each once.
    assert set(reminders) == readers
    assert all(n == 1 for n in reminders.values())
    assert outbox["pending"] == outbox["sending"] == 0


def _per_chat(server: FakeTelegramServer, *marks: str) -> Counter[int]:
    return Counter(
        int(call.chat_id)  # type: ignore[arg-type]
        for call in server.calls("sendMessage", ok=True)
        if any(mark in str(call.params.get("text", "")) for mark in marks)
    )
