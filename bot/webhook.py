"""The webhook server: Telegram POSTs updates here; the answer is given once they are handled."""

from __future__ import annotations

import hmac
import logging

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.config import WEBHOOK_PATH
from bot.pipeline import DatabaseProbe, Outcome, UpdateIntake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

INTAKE_KEY = web.AppKey("intake", UpdateIntake)
BOT_KEY = web.AppKey("bot", Bot)
SECRET_KEY = web.AppKey("secret", bytes)
PROBE_KEY: web.AppKey[DatabaseProbe] = web.AppKey("database_probe")


async def receive_update(request: web.Request) -> web.Response:
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


async def health(request: web.Request) -> web.Response:
    database_ok = await request.app[PROBE_KEY]()
    return web.json_response(
        {"status": "ok" if database_ok else "degraded", "database": database_ok},
        status=200 if database_ok else 503,
    )


def create_webhook_app(
    *,
    bot: Bot,
    intake: UpdateIntake,
    secret: str,
    database_probe: DatabaseProbe,
    path: str = WEBHOOK_PATH,
) -> web.Application:
    """An aiohttp application with the webhook at `path` and `/healthz`.

    (`/metrics` belongs here too when the production setup adds it.)
    """
    app = web.Application()
    app[INTAKE_KEY] = intake
    app[BOT_KEY] = bot
    app[SECRET_KEY] = secret.encode()
    app[PROBE_KEY] = database_probe
    app.router.add_post(path, receive_update)
    app.router.add_get("/healthz", health)
    return app
