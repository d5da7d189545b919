"""deploy/healthcheck.py, the image's HEALTHCHECK: asks the webhook server's /healthz."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from aiohttp import web

from bot.bench.updates import free_port

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"


async def _check(**env: str) -> int:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WEBHOOK_") and k != "METRICS_LISTEN"
    }
    environment.update(env)
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), env=environment, stderr=asyncio.subprocess.DEVNULL
    )
    return await asyncio.wait_for(child.wait(), 30)


async def test_healthy_only_when_healthz_answers_200() -> None:
    status = {"code": 200}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "x"}, status=status["code"])

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    webhook = {"WEBHOOK_BASE_URL": "https://bot.example.org"}
    try:
        # Compose listens on 0.0.0.0: the check asks 127.0.0.1.
        assert await _check(WEBHOOK_LISTEN=f"0.0.0.0:{port}", **webhook) == 0
        status["code"] = 503
        assert await _check(WEBHOOK_LISTEN=f"127.0.0.1:{port}", **webhook) == 1
    finally:
        await runner.cleanup()
    assert await _check(WEBHOOK_LISTEN=f"127.0.0.1:{port}", **webhook) == 1  # nobody listens


async def test_long_polling_has_no_server_to_ask() -> None:
    assert await _check(WEBHOOK_LISTEN=f"127.0.0.1:{free_port()}") == 0


async def test_long_polling_is_asked_on_metrics_listen() -> None:
    async def unhealthy(request: web.Request) -> web.Response:
        return web.json_response({}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", unhealthy)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        assert await _check(METRICS_LISTEN=f"127.0.0.1:{port}") == 1
    finally:
        await runner.cleanup()
