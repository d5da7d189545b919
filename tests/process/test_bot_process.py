"""`fairbot run` as a real process against the fake Telegram in this test: a short journey by
long polling, and one by webhook (the fake server POSTs to the process's loopback address)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bench.updates import start_bots
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import StudentProfile, User
from bot.fakeapi import FakeTelegramServer, Timings
from bot.i18n import Translator
from tests.student.journey import Journey

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_short_journey_with_the_bot_as_a_process(
    webhook: bool, tmp_path: Path, translator: Translator
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'process.sqlite3'}"
    timings = Timings(reply_timeout=10.0, callback_answer_timeout=10.0)
    async with FakeTelegramServer(timings=timings) as server:
        bots = await start_bots(
            server, token=server.token, database_url=url, workdir=tmp_path, webhook=webhook
        )
        try:
            user = server.user("Алия", "Смагулова", language_code="ru")
            journey = Journey(user, "ru", translator)
            await journey.start("qr-gate")
            await journey.choose_language()
            await journey.consent()
            await user.press(journey.t("name-use-telegram", name="Алия Смагулова"))
            await journey.expect("ask-university")
            await user.send("<b>КазНУ</b>")
            await journey.expect("ask-study-level")
            await user.send("/help")
            await journey.expect("help")
        finally:
            codes = [await bot.stop() for bot in bots]
        log = bots[0].log_tail(50)
        assert codes == [0], log
        assert server.token.split(":")[1] not in log
        if webhook:
            assert server.stats.webhook_deliveries >= 6
            assert not server.calls("getUpdates")
        else:
            assert server.calls("getUpdates")
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            person = await session.get(User, user.id)
            assert person is not None
            assert person.start_source == "qr-gate"
            profile = await session.scalar(select(StudentProfile))
            assert profile is not None
            assert profile.university == "<b>КазНУ</b>"
    finally:
        await engine.dispose()
