"""The webhook server: Telegram POSTs updates here; the answer is given once they are handled."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.config import WEBHOOK_PATH
from bot.monitoring import Monitoring
from bot.pipeline import DatabaseProbe, Outcome, UpdateIntake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

INTAKE_KEY = web.AppKey("intake", UpdateIntake)
BOT_KEY = web.AppKey("bot", Bot)
SECRET_KEY = web.AppKey("secret", bytes)
PROBE_KEY: web.AppKey[DatabaseProbe] = web.AppKey("database_probe")


@dataclass
class Intake:
    """Updates being handled, and whether new ones are still taken (not while shutting down)."""

    draining: bool = False
    in_flight: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)


INTAKE_STATE_KEY = web.AppKey("intake_state", Intake)


async def drain(app: web.Application, grace: float) -> int:
    """Stop taking updates (new ones get 503: Telegram delivers them again, to another process
    or after the restart) and wait up to `grace` s for those being handled; returns how many
    were still running."""
    state = app[INTAKE_STATE_KEY]
    state.draining = True
    if state.in_flight:
        state.idle.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.idle.wait(), grace)
    return state.in_flight


async def receive_update(request: web.Request) -> web.Response:
    app = request.app
    state = app[INTAKE_STATE_KEY]
    if state.draining:
        return web.json_response({"ok": False, "error": "shutting down"}, status=503)
    state.in_flight += 1
    try:
        return await _receive(request)
    finally:
        state.in_flight -= 1
        if not state.in_flight:
            state.idle.set()


async def _receive(request: web.Request) -> web.Response:
    app = request.app
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, app[SECRET_KEY]):
        log.warning("webhook call with a wrong or missing secret from %s", request.remote)
        return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
    try:
        payload = await request.json()
        update = Update.model_validate(payload, context={"bot": app[BOT_KEY]})
    except (ValueError, ValidationError):
        return web.json_response({"ok": False, "error": "not an update"}, status=400)
    outcome = await app[INTAKE_KEY].process(update)
    if outcome.acknowledge:
        return web.json_response({"ok": True})
    # Not acknowledged: Telegram delivers the update again later.
    status = 503 if outcome is Outcome.RETRY else 409
    return web.json_response({"ok": False, "error": outcome.value}, status=status)


def create_webhook_app(
    *,
    bot: Bot,
    intake: UpdateIntake,
    secret: str,
    database_probe: DatabaseProbe,
    path: str = WEBHOOK_PATH,
    monitoring: Monitoring | None = None,
) -> web.Application:
    """An aiohttp application with the webhook at `path`, `/healthz` and `/metrics`
    (`monitoring`; by default /healthz checks the database and there are no metrics)."""
    app = web.Application()
    app[INTAKE_KEY] = intake
    app[BOT_KEY] = bot
    app[SECRET_KEY] = secret.encode()
    app[PROBE_KEY] = database_probe
    app[INTAKE_STATE_KEY] = Intake()
    app.router.add_post(path, receive_update)
    (monitoring or Monitoring({"database": database_probe})).add_routes(app)
    return app
