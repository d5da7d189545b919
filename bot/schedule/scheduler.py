"""APScheduler as the reminders' clock: timers planned from the database, re-derivable at any time.

APScheduler 3.x job stores are synchronous and belong to one process, so nothing is stored in
them: every process keeps an in-memory timer for each moment a reminder can fall due (from the
sessions in the database), plus a sweep every half minute. A timer only calls
`bot.services.reminders.fire_due`, which claims due reminders in the database, so a duplicated,
late or lost timer is harmless: the database decides what is sent, once.

Other daily or timed work rides on the same clock as a `Pass` (e.g. the representatives' morning
digest, `bot.services.digests.LeadDigests`): fired at start, at the moment it names, and by every
sweep; like reminders it claims its work in the database, so repeated calls are harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.services.fairdata import FairData, FairDataStore
from bot.services.reminders import (
    FireReport,
    Rendering,
    ScheduleChange,
    fire_due,
    planned_moments,
    sync_schedule,
)

log = logging.getLogger(__name__)

_DUE = "due:"
_PASS = "pass:"


class Pass(Protocol):
    """Timed work besides reminders: `fire(now)` does what is due (idempotent, claimed in the
    database), `next_moment(now)` is when it wants to run next."""

    name: str

    async def fire(self, now: datetime) -> object: ...

    def next_moment(self, now: datetime) -> datetime | None: ...


class ReminderScheduler:
    """Keeps the schedule in the database current and fires reminders when they fall due.

    `start()` copies the schedule in force into the database (telling subscribers of sessions
    that changed while the bot was stopped), sends what fell due meanwhile, and plans timers.
    `sync_in` (in a reload's transaction) and `on_replace` (after it) are the FairDataStore
    listeners for reloads made in this process, `on_follow` the one for reloads of other
    processes adopted here. `fire()` is what every timer calls.
    """

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        fair: FairDataStore,
        rendering: Rendering,
        nudge_minutes: int = 30,
        sweep_seconds: float = 30.0,
        passes: Sequence[Pass] = (),
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._fair = fair
        self._rendering = rendering
        self._nudge_minutes = nudge_minutes
        self._sweep_seconds = sweep_seconds
        self._passes = tuple(passes)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[FireReport]] = set()
        self._pass_tasks: set[asyncio.Task[None]] = set()
        self._scheduler: AsyncIOScheduler | None = None

    async def start(self) -> None:
        await self.sync()
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            # A timer that ran late still runs (once): fire_due knows what is still worth sending.
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        self._scheduler.add_job(
            self._sweep, IntervalTrigger(seconds=self._sweep_seconds), id="sweep"
        )
        self._scheduler.start()
        await self.fire()
        await self.replan()
        await self.fire_passes()

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        # A pass in progress finishes its transaction rather than being cut off.
        await asyncio.gather(*self._tasks, *self._pass_tasks, return_exceptions=True)

    async def sync(self) -> list[ScheduleChange]:
        """Copy the schedule in force into the database; returns what changed for subscribers."""
        async with self._sessionmaker() as session, session.begin():
            return await self.sync_in(session, self._fair.current)

    async def sync_in(self, session: AsyncSession, data: FairData) -> list[ScheduleChange]:
        """Copy `data`'s schedule into the database in the caller's transaction (a /reload's:
        the FairDataStore `on_reload` listener); the `sync` after it finds nothing left to do."""
        return await sync_schedule(
            session, data.schedule, now=self._clock.now(), rendering=self._rendering
        )

    async def fire(self) -> FireReport:
        """Claim and enqueue whatever is due now (one pass at a time in this process)."""
        async with self._lock:
            return await fire_due(
                self._sessionmaker,
                now=self._clock.now(),
                rendering=self._rendering,
                catalogue=self._fair.current.catalogue,
                nudge_minutes=self._nudge_minutes,
            )

    async def replan(self) -> list[datetime]:
        """Timers for every future moment something can fall due, from the database."""
        now = self._clock.now()
        async with self._sessionmaker() as session:
            moments = await planned_moments(session, now=now, nudge_minutes=self._nudge_minutes)
        scheduler = self._scheduler
        if scheduler is None:
            return moments
        # A timer whose moment just came is left to run, whatever the new plan says.
        current = {
            job.id: job.next_run_time for job in scheduler.get_jobs() if job.id.startswith(_DUE)
        }
        ahead = {job_id: at for job_id, at in current.items() if at is not None and at > now}
        if set(ahead.values()) == set(moments):
            return moments
        for job_id in ahead:
            scheduler.remove_job(job_id)
        for moment in moments:
            scheduler.add_job(
                self._timer,
                DateTrigger(run_date=moment),
                id=f"{_DUE}{moment.isoformat()}",
                replace_existing=True,
            )
        log.info(
            "reminder timers planned: %s (next %s)", len(moments), moments[0] if moments else None
        )
        return moments

    def planned(self) -> list[datetime]:
        """The moments of the timers now set (sweep aside)."""
        if self._scheduler is None:
            return []
        return sorted(
            job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.id.startswith(_DUE) and job.next_run_time is not None
        )

    async def on_replace(self, old: FairData, new: FairData) -> None:
        """Reload made here: moved and cancelled sessions are told, timers follow the new schedule.

        Runs after the reload's transaction committed (never inside another transaction: `sync`
        takes one of its own). After /reload, `sync_in` did the copy in the reload's transaction
        already and `sync` finds nothing to tell."""
        await self.sync()
        await self.replan()
        await self.fire()

    async def on_follow(self, old: FairData, new: FairData) -> None:
        """Another process's reload adopted here: that process copied the schedule into the
        database and told the subscribers (once for all) in the transaction that raised the
        version this process saw; this one only re-plans its timers from the database."""
        await self.replan()
        await self.fire()

    async def fire_passes(self) -> None:
        """Run every pass now, and set each one's timer for the moment it names next."""
        now = self._clock.now()
        for pass_ in self._passes:
            try:
                await pass_.fire(now)
            except Exception:  # the next timer or sweep tries again
                log.exception("%s pass failed", pass_.name)
            moment = pass_.next_moment(now)
            if self._scheduler is not None and moment is not None:
                self._scheduler.add_job(
                    self._pass_timer,
                    DateTrigger(run_date=moment),
                    id=f"{_PASS}{pass_.name}",
                    replace_existing=True,
                )

    async def _pass_timer(self) -> None:
        task = asyncio.ensure_future(self.fire_passes())
        self._pass_tasks.add(task)
        task.add_done_callback(self._pass_tasks.discard)
        await asyncio.shield(task)

    async def _sweep(self) -> None:
        """The safety net: a pass, and new timers if another process changed the schedule."""
        await self._timer()
        try:
            await self.replan()
        except Exception:  # the next sweep tries again
            log.exception("re-planning reminder timers failed")
        if self._passes:
            await self._pass_timer()

    async def _timer(self) -> None:
        task = asyncio.ensure_future(self.fire())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            # Shielded: stopping the scheduler must not cut a pass off in the middle.
            await asyncio.shield(task)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next timer or the sweep tries again
            log.exception("reminder pass failed")
