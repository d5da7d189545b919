"""The composition root: builds the bot, the dispatcher and everything they use from Settings.

Nothing here runs at import time; tests build their own dispatcher the same way.

Workflow data (keyword arguments any handler, filter or middleware can ask for by name):

- settings: bot.config.Settings -- the process settings
- sessionmaker: async_sessionmaker[AsyncSession] -- for work outside the update's transaction
- clock: bot.clock.Clock -- "now", aware UTC (a FakeClock in tests)
- translator: bot.i18n.Translator -- every language (for texts to other people)
- fair: bot.services.fairdata.FairDataStore | None -- the data files in force (catalogue, engine)
- redis: redis.asyncio.Redis | None -- the shared Redis client when REDIS_URL is set
- audiences: bot.services.audiences.AudienceRegistry -- who a broadcast can reach

Per update, set by the middlewares:

- session: AsyncSession -- the update's transaction, committed after the handler
- user: bot.db.models.User | None -- the person's row (None when no person is behind the update)
- lang: str -- "kk", "ru" or "en"
- t: bot.i18n.Translate -- t(key, **args) in `lang`, string arguments HTML-escaped
- replies: bot.middlewares.Replies -- Bot API methods to send after the commit, in order
- after_commit: bot.middlewares.AfterCommit -- work to run after the commit (own transactions)

plus aiogram's own: bot, state (FSMContext), raw_state, event_from_user, event_chat, event_update.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import lazy_types
from bot.client import BotApiSession
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.apart import upgrade_apart
from bot.db.engine import create_engine, create_sessionmaker
from bot.delivery.limiter import SendLimiter, create_limiter, limit_bot
from bot.delivery.progress import BroadcastProgress
from bot.delivery.worker import DeliveryConfig, OutboxWorker
from bot.fsm_storage import FsmBackend, create_fsm_backend
from bot.handlers import common, employer, errors, organiser, schedule, student
from bot.i18n import Translator
from bot.menu import publish_menu
from bot.middlewares import (
    FloodCounter,
    FsmLockMiddleware,
    FsmStateMiddleware,
    I18nMiddleware,
    KnownUserMiddleware,
    LedgerMiddleware,
    MemoryFloodCounter,
    RedisFloodCounter,
    RepliesMiddleware,
    ThrottlingMiddleware,
    UnitOfWorkMiddleware,
    UpdateContextMiddleware,
)
from bot.monitoring import (
    MeasuredIntake,
    Metrics,
    Monitoring,
    SendMetrics,
    outbox_depth,
    redis_probe,
)
from bot.pipeline import DatabaseProbe, UpdateIntake
from bot.polling import Poller
from bot.repositories.updates import forget_processed_before
from bot.routing import run_sync_callbacks_inline
from bot.schedule.scheduler import ReminderScheduler
from bot.services.audiences import default_audiences
from bot.services.datasync import DataFollower
from bot.services.digests import LeadDigests
from bot.services.fairdata import FairData, FairDataStore, load_fair_data
from bot.services.reminders import Rendering
from bot.webhook import create_webhook_app, drain

log = logging.getLogger(__name__)

LEDGER_KEEP = timedelta(hours=48)  # Telegram re-delivers for at most 24 h
# After SIGTERM: updates being handled get this long to finish (the outbox worker drains at the
# same time, within its own 5 s), then the rest closes; a process still alive HARD_EXIT_SECONDS
# after the signal exits at once (supervisors send SIGKILL at 10 s).
SHUTDOWN_GRACE_SECONDS = 6.0
HARD_EXIT_SECONDS = 9.5
HARD_EXIT_CODE = 70


def build_bot(settings: Settings) -> Bot:
    """A Bot talking to Telegram, or to the server at TELEGRAM_API_URL; HTML parse mode."""
    session = (
        BotApiSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
        if settings.uses_custom_api_server
        else BotApiSession()
    )
    return Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def feature_routers() -> list[Router]:
    """The audience routers (student, employer, organiser), in order. Add yours here.

    The organiser router goes first: it takes only organisers' commands, buttons and their
    broadcast drafts, and its role filter turns everyone else away. Then the employer router
    (invitation links from anyone, before the student router, whose /start takes every other
    deep link; the rest for representatives only, including a representative's typed note), the
    schedule (for everyone; it takes only its own commands, buttons and typed time zone) and the
    student router (everyone in a private chat).
    """
    return [
        organiser.create_router(),
        employer.create_router(),
        schedule.create_router(),
        student.create_router(),
    ]


def build_dispatcher(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    fsm: FsmBackend | None = None,
    redis: Redis | None = None,
    translator: Translator | None = None,
    fair: FairDataStore | None = None,
    routers: Iterable[Router] | None = None,
    **workflow_data: Any,
) -> Dispatcher:
    """The dispatcher with its middlewares and routers.

    `fsm` defaults to the database storage; `redis` (if given) also carries the flood counters;
    `routers` defaults to `feature_routers()`; extra `workflow_data` reaches handlers by name.
    """
    if fsm is None:
        fsm = create_fsm_backend(sessionmaker=sessionmaker, clock=clock)
    translator = translator or Translator()
    workflow_data.setdefault("audiences", default_audiences())
    dp = Dispatcher(
        storage=fsm.storage,
        events_isolation=fsm.isolation,
        disable_fsm=True,  # registered below in two halves (bot.middlewares.fsm)
        name="fairbot",
        settings=settings,
        sessionmaker=sessionmaker,
        clock=clock,
        translator=translator,
        fair=fair,
        redis=redis,
        **workflow_data,
    )
    counter: FloodCounter = (
        RedisFloodCounter(redis, settings.redis_prefix, settings.throttle_window_seconds)
        if redis is not None
        else MemoryFloodCounter(clock, settings.throttle_window_seconds)
    )
    # Order matters: each middleware uses what the ones before it put in `data`.
    dp.update.outer_middleware(FsmLockMiddleware(dp.fsm))
    dp.update.outer_middleware(UpdateContextMiddleware())
    dp.update.outer_middleware(RepliesMiddleware())
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessionmaker))
    dp.update.outer_middleware(LedgerMiddleware(clock))
    dp.update.outer_middleware(FsmStateMiddleware())
    dp.update.outer_middleware(KnownUserMiddleware(clock))
    dp.update.outer_middleware(I18nMiddleware(translator))
    dp.update.outer_middleware(ThrottlingMiddleware(counter, settings.throttle_limit))
    dp.include_routers(
        errors.create_router(),
        common.create_router(),
        *(feature_routers() if routers is None else routers),
        common.create_fallback_router(),
    )
    run_sync_callbacks_inline(dp)
    return dp


def database_probe(engine: AsyncEngine, timeout: float = 3.0) -> DatabaseProbe:
    async def probe() -> bool:
        try:
            async with asyncio.timeout(timeout), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False
        return True

    return probe


async def forget_old_updates(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    async with sessionmaker() as session, session.begin():
        removed = await forget_processed_before(session, clock.now() - LEDGER_KEEP)
    if removed:
        log.info("forgot %s processed update ids older than %s", removed, LEDGER_KEEP)


async def _ledger_janitor(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    while True:
        await asyncio.sleep(3600)
        try:
            await forget_old_updates(sessionmaker, clock)
        except Exception:  # a missed clean-up is retried in an hour
            log.warning("could not clean the processed updates ledger", exc_info=True)


async def _persist(call: Callable[[], Awaitable[object]], stop: asyncio.Event) -> bool:
    """Repeat a Bot API call until Telegram answers it (False if asked to stop first): a bot
    started while Telegram is unreachable waits for it instead of dying."""
    delay = 1.0
    while not stop.is_set():
        try:
            await call()
        except TelegramAPIError as error:
            log.warning("Telegram did not answer (%s); trying again in %.0f s", error, delay)
        else:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        delay = min(delay * 2, 30.0)
    return False


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, _stop_within_cap, stop)


def _stop_within_cap(stop: asyncio.Event) -> None:
    """Begin a graceful stop; and should it hang (a stuck connection, a handler that never
    returns), leave anyway before the supervisor's SIGKILL. Claims not released then are
    taken over by other processes when their leases expire."""
    if stop.is_set():
        return
    stop.set()

    def hard_exit() -> None:
        logging.getLogger(__name__).error(
            "still stopping %.1f s after the signal: exiting now", HARD_EXIT_SECONDS
        )
        logging.shutdown()
        os._exit(HARD_EXIT_CODE)

    timer = threading.Timer(HARD_EXIT_SECONDS, hard_exit)
    timer.daemon = True
    timer.start()


def bot_id(settings: Settings) -> str:
    """The bot's numeric id: the part of the token before the colon (not secret)."""
    return settings.bot_token.get_secret_value().split(":", 1)[0]


def start_delivery(
    settings: Settings,
    *,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    translator: Translator,
    redis: Redis | None,
    stop: asyncio.Event,
) -> tuple[SendLimiter, list[asyncio.Task[None]]]:
    """Put the token's rate limiter in front of every call of `bot` and start the outbox worker
    and the broadcast progress updates; they run until `stop` is set."""
    limiter = create_limiter(
        rate=settings.delivery_rate,
        redis=redis,
        prefix=settings.redis_prefix,
        bot_id=bot_id(settings),
    )
    limit_bot(bot, limiter)
    worker = OutboxWorker(
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        config=DeliveryConfig.from_settings(settings),
    )
    progress = BroadcastProgress(
        bot=bot, sessionmaker=sessionmaker, clock=clock, translator=translator
    )
    tasks = [
        asyncio.create_task(worker.run(stop), name="outbox-worker"),
        asyncio.create_task(progress.run(stop), name="broadcast-progress"),
    ]
    return limiter, tasks


async def run(
    settings: Settings,
    *,
    fair: FairData | None = None,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Migrate the database, publish the menu, then poll or serve the webhook until `stop` is set
    (or SIGTERM / SIGINT arrives). `fair` is the loaded data directory (loaded here if not given;
    invalid data raises matching.datafiles.DataError before anything starts)."""
    fair_store = FairDataStore(fair or load_fair_data(settings.data_dir))
    clock = clock or SystemClock()
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    # In a child process: alembic would otherwise stay in this process's memory (bot.db.apart).
    await upgrade_apart(settings.database_url)
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    metrics = Metrics()
    fsm = create_fsm_backend(
        sessionmaker=sessionmaker,
        clock=clock,
        redis=redis,
        redis_prefix=settings.redis_prefix,
        lock_seconds=settings.fsm_lock_seconds,
    )
    translator = Translator()
    lazy_types.warm_up()  # the models of an update, before the first one arrives
    dp = build_dispatcher(
        settings, sessionmaker=sessionmaker, clock=clock, fsm=fsm, redis=redis,
        translator=translator, fair=fair_store,
    )  # fmt: skip
    bot = build_bot(settings)
    probe = database_probe(engine)
    intake = MeasuredIntake(dp, bot, database_probe=probe, metrics=metrics)
    probes = {"database": probe} | ({"redis": redis_probe(redis)} if redis is not None else {})
    monitoring = Monitoring(probes, metrics, outbox_depth(sessionmaker))
    janitor = asyncio.create_task(_ledger_janitor(sessionmaker, clock))
    reminders = ReminderScheduler(
        sessionmaker=sessionmaker,
        clock=clock,
        fair=fair_store,
        rendering=Rendering(translator, settings.tz),
        nudge_minutes=settings.fair_nudge_minutes,
        sweep_seconds=settings.reminder_sweep_seconds,
        passes=[
            LeadDigests(
                sessionmaker=sessionmaker,
                rendering=Rendering(translator, settings.tz),
                fair=fair_store,
                at=settings.digest_time,
                zone=settings.tz,
            )
        ],
    )
    follower = DataFollower(
        store=fair_store,
        sessionmaker=sessionmaker,
        data_dir=settings.data_dir,
        interval=settings.data_sync_seconds,
    )
    metrics.follow_data_version(lambda: fair_store.version)
    limiter, delivery = start_delivery(
        settings,
        bot=bot,
        sessionmaker=sessionmaker,
        clock=clock,
        translator=translator,
        redis=redis,
        stop=stop,
    )
    # After the rate limiter: counts each request that reaches Telegram.
    bot.session.middleware(SendMetrics(metrics))
    monitor = await _serve_monitoring(settings, monitoring)
    following: asyncio.Task[None] | None = None
    try:
        await forget_old_updates(sessionmaker, clock)
        # The version of the data just loaded: the one in force (no reload at start).
        await follower.start()
        # The schedule in force goes into the database before anyone can subscribe to it.
        await reminders.start()
        fair_store.on_reload(reminders.sync_in)
        fair_store.on_replace(reminders.on_replace)
        fair_store.on_follow(reminders.on_follow)
        following = asyncio.create_task(follower.run(stop), name="data-follower")
        await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot], **dp.workflow_data)
        # What start-up built (catalogue, engine, aiogram's and SQLAlchemy's machinery) lives as
        # long as the process: keep it out of the collector's full passes, which would otherwise
        # stall every update in flight for tens of milliseconds each time.
        gc.collect()
        gc.freeze()
        try:
            await publish_menu(bot, translator)
        except Exception as error:  # noqa: BLE001 - the menu is a convenience; go on without
            log.warning("could not publish the command menu: %s", error)
        allowed_updates = dp.resolve_used_update_types()
        if settings.webhook_url:
            await _serve_webhook(settings, bot, intake, monitoring, allowed_updates, stop)
        else:
            # Keep what Telegram holds for us: never drop pending updates.
            if not await _persist(lambda: bot.delete_webhook(drop_pending_updates=False), stop):
                return
            log.info("polling for updates")
            poller = Poller(
                bot, intake, allowed_updates=allowed_updates, shutdown_grace=SHUTDOWN_GRACE_SECONDS
            )
            await poller.run(stop)
    finally:
        janitor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await janitor
        if following is not None:
            # Set `stop` (SIGTERM): it ends between polls or after the one under way.
            if not stop.is_set():
                following.cancel()
            await asyncio.gather(following, return_exceptions=True)
        # No new reminders into the outbox once the workers drain it.
        await reminders.stop()
        # The outbox worker started draining when `stop` was set, alongside the poller.
        stop.set()
        await asyncio.gather(*delivery, return_exceptions=True)
        await limiter.close()
        try:
            await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot], **dp.workflow_data)
        finally:
            if monitor is not None:
                await monitor.cleanup()
            await bot.session.close()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()
        log.info("stopped")


async def _serve_monitoring(settings: Settings, monitoring: Monitoring) -> web.AppRunner | None:
    """/healthz and /metrics on METRICS_LISTEN, if set."""
    where = settings.metrics_host_port
    if where is None:
        return None
    runner = web.AppRunner(monitoring.app(), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, *where).start()
    log.info("health and metrics on %s", runner.addresses)
    return runner


async def _serve_webhook(
    settings: Settings,
    bot: Bot,
    intake: UpdateIntake,
    monitoring: Monitoring,
    allowed_updates: list[str],
    stop: asyncio.Event,
) -> None:
    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    app = create_webhook_app(
        bot=bot,
        intake=intake,
        secret=secret,
        database_probe=monitoring.probes["database"],
        monitoring=monitoring,
    )
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    host, port = settings.webhook_host_port
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        log.info("webhook server listening on %s", runner.addresses)
        registered = await _persist(
            lambda: bot.set_webhook(
                settings.webhook_url or "",
                secret_token=secret,
                allowed_updates=allowed_updates,
                drop_pending_updates=False,
            ),
            stop,
        )
        if registered:
            await stop.wait()
    finally:
        # New updates get 503 (Telegram re-delivers them, to another process behind the load
        # balancer); those being handled get a bounded time to finish and be answered.
        left = await drain(app, SHUTDOWN_GRACE_SECONDS)
        if left:
            log.warning("shutdown: %s updates still being handled are dropped", left)
        await runner.cleanup()
