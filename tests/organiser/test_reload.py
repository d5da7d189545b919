"""/reload: valid files come into force; invalid ones change nothing and the reply lists the
problems exactly as `fairbot check-data` does."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from bot.datacheck import collect_problems
from bot.db.models import AuditEntry
from tests.organiser.conftest import Console


async def test_valid_data_comes_into_force(console: Console, data_dir: Path) -> None:
    employers = data_dir / "employers.yaml"
    employers.write_text(employers.read_text().replace("en: Ghalam LLP", "en: Ghalam Space LLP"))
    before = console.fair.current

    await console.admin.send("/reload")
    reply = await console.admin.next_message()

    assert reply.text == (
        "🔄 Data reloaded: 48 topics, 7 organisations.\nThe other bot processes follow within 5 s."
    )
    assert console.fair.current is not before
    assert console.fair.current.catalogue.exhibitors["ghalam"].name.en == "Ghalam Space LLP"


async def test_invalid_data_keeps_the_old_and_lists_the_problems(
    console: Console, data_dir: Path
) -> None:
    topics = data_dir / "topics.yaml"
    topics.write_text(
        topics.read_text().replace(
            "name: {en: GIS and mapping, ru: ГИС и картография, kk: ГАЖ және картография}",
            "name: {en: GIS and mapping, ru: ГИС и картография}",
        )
    )
    (data_dir / "employers.yaml").write_text("- slug: [unclosed\n")
    expected = [str(problem) for problem in collect_problems(data_dir)]
    assert len(expected) >= 2
    before = console.fair.current

    await console.admin.send("/reload")
    reply = await console.admin.next_message()

    assert console.fair.current is before
    lines = reply.text.splitlines()
    assert lines[0] == "⚠️ The data files have errors; the data in use stays as it was."
    assert lines[1:] == expected
    await console.admin.send("/stats")  # the bot goes on with the data it had
    assert "Fair statistics" in (await console.admin.next_message()).text
    async with console.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions == ["data.reload-refused"]


async def test_a_missing_data_directory_is_refused(console: Console, data_dir: Path) -> None:
    shutil.rmtree(data_dir)
    before = console.fair.current
    await console.admin.send("/reload")
    reply = await console.admin.next_message()
    assert reply.text.startswith("⚠️ The data files have errors")
    assert console.fair.current is before
