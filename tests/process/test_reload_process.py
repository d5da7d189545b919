"""/reload with two `fairbot run` processes (webhook mode, one database): whichever process takes
the command, both have the new data version within DATA_SYNC_SECONDS (read from each one's
/metrics), and both stop cleanly on SIGTERM with the follower running."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import aiohttp
import pytest

from bot.bench.updates import BotProcess, start_bots
from bot.fakeapi import FakeTelegramServer, Timings

pytestmark = pytest.mark.slow

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
VERSION = re.compile(r"^fairbot_data_version (\S+)$", re.MULTILINE)


async def data_version(http: aiohttp.ClientSession, bot: BotProcess) -> float | None:
    """The process's `fairbot_data_version` (None while it is still starting)."""
    try:
        async with http.get(f"http://{bot.listen}/metrics") as response:
            found = VERSION.search(await response.text())
    except aiohttp.ClientConnectionError:
        return None
    return float(found.group(1)) if found else None


async def versions_become(
    http: aiohttp.ClientSession, bots: list[BotProcess], expected: list[float], within: float
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while [await data_version(http, bot) for bot in bots] != expected:
        assert loop.time() < deadline, [bot.log_tail() for bot in bots]
        await asyncio.sleep(0.1)


async def test_both_processes_follow_a_reload(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(REPO_DATA, data_dir)
    timings = Timings(reply_timeout=15.0, callback_answer_timeout=15.0)
    async with FakeTelegramServer(timings=timings) as server, aiohttp.ClientSession() as http:
        admin = server.user("Dana", language_code="en", started=True)
        bots = await start_bots(
            server, token=server.token, database_url=database_url, workdir=tmp_path, count=2,
            webhook=True, data_dir=data_dir,
            extra_env={"ADMIN_IDS": str(admin.id), "DATA_SYNC_SECONDS": "0.2"},
        )  # fmt: skip
        try:
            # start_bots returns once one of them serves; the other may take a moment more.
            await versions_become(http, bots, [0.0, 0.0], within=60.0)
            employers = data_dir / "employers.yaml"
            employers.write_text(employers.read_text().replace("en: Ghalam LLP", "en: Ghalam 2"))
            await admin.send("/reload")
            reply = await admin.next_message()
            assert reply.text.startswith("🔄 Data reloaded"), reply.text
            # The other process within DATA_SYNC_SECONDS (0.2 s); generous on a loaded machine.
            await versions_become(http, bots, [1.0, 1.0], within=10.0)
        finally:
            codes = [await bot.stop() for bot in bots]
        assert codes == [0, 0], [bot.log_tail() for bot in bots]
        for bot in bots:
            assert "Traceback" not in bot.log_tail(200), bot.log_tail(200)
