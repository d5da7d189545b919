"""sessions.yaml: the real file is valid; every kind of mistake gets a clear line from check-data,
and a reload with a broken file keeps the schedule in force."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.datacheck import collect_problems
from bot.schedule.data import check_schedule, load_schedule
from bot.services.fairdata import FairDataStore, load_fair_data
from matching.datafiles import DataError, DataProblem
from tests.schedule.conftest import ROOT, copy_catalogue, entry, write_sessions

SLUGS = {"garysh-sapary", "rcsc", "baiterek", "ncsrt", "fesenkov", "ionosphere", "ghalam"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path / "data")


def _problems(data_dir: Path, text: str) -> list[DataProblem]:
    (data_dir / "sessions.yaml").write_text(text, encoding="utf-8")
    schedule, problems = check_schedule(data_dir, SLUGS)
    assert schedule is None
    assert problems
    return problems


def _only(problems: list[DataProblem]) -> DataProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def _yaml(*entries: str, zone: str = "Asia/Almaty") -> str:
    return f"zone: {zone}\nsessions:\n" + "".join(entries)


def _session(session_id: str = "talk", starts: str = "2027-09-08T10:00",
             ends: str = "2027-09-08T11:00", extra: str = "") -> str:  # fmt: skip
    return (
        f"  - id: {session_id}\n"
        "    kind: talk\n"
        "    title: {en: Talk, ru: Доклад, kk: Баяндама}\n"
        "    description: {en: About, ru: О чём, kk: Не туралы}\n"
        "    venue: {en: Hall, ru: Зал, kk: Зал}\n"
        f"    starts: {starts}\n"
        f"    ends: {ends}\n"
        f"{extra}"
    )


def test_the_real_schedule_is_valid_and_in_the_forums_zone() -> None:
    schedule = load_schedule(ROOT / "data", SLUGS)
    assert [s.id for s in schedule.sessions][:3] == [
        "registration", "international-workshop", "icesco-symposium",
    ]  # fmt: skip
    workshop = schedule.get("international-workshop")
    assert workshop is not None
    assert workshop.starts_at == datetime(2027, 9, 8, 5, 0, tzinfo=UTC)  # 10:00 in Almaty
    fair = schedule.get("career-fair")
    assert fair is not None
    assert fair.is_career_fair
    assert set(fair.exhibitors) == SLUGS
    assert [d.isoformat() for d in schedule.days(schedule.zone)] == ["2027-09-08", "2027-09-09"]
    assert collect_problems(ROOT / "data") == []


def test_naive_times_take_the_files_zone_offsets_are_kept(data_dir: Path) -> None:
    write_sessions(data_dir, [
        entry("a", "2027-09-08T10:00", "2027-09-08T11:00"),
        entry("b", "2027-09-08T10:00+03:00", "2027-09-08 11:30+03:00"),
    ], zone="Europe/Berlin")  # fmt: skip
    schedule = load_schedule(data_dir, SLUGS)
    a, b = schedule.get("a"), schedule.get("b")
    assert a is not None
    assert a.starts_at == datetime(2027, 9, 8, 8, 0, tzinfo=UTC)
    assert b is not None
    assert b.starts_at == datetime(2027, 9, 8, 7, 0, tzinfo=UTC)
    assert b.ends_at == datetime(2027, 9, 8, 8, 30, tzinfo=UTC)


def test_yaml_timestamps_are_read_too(data_dir: Path) -> None:
    # Unquoted with seconds, YAML itself reads a timestamp (aware when it has an offset).
    (data_dir / "sessions.yaml").write_text(
        _yaml(_session(starts="2027-09-08 10:00:00", ends="2027-09-08 11:00:00+05:00"))
    )
    talk = load_schedule(data_dir, SLUGS).get("talk")
    assert talk is not None
    assert (talk.starts_at, talk.ends_at) == (
        datetime(2027, 9, 8, 5, tzinfo=UTC), datetime(2027, 9, 8, 6, tzinfo=UTC),
    )  # fmt: skip


def test_malformed_time(data_dir: Path) -> None:
    p = _only(_problems(data_dir, _yaml(_session(starts="'8 Sept, 10am'"))))
    assert (p.entry, p.field, p.line) == ("talk", "starts", 8)
    assert p.message.startswith("not a date and time: use ISO 8601 such as 2027-09-08T10:00")


def test_a_date_without_a_time(data_dir: Path) -> None:
    p = _only(_problems(data_dir, _yaml(_session(ends="2027-09-08"))))
    assert (p.entry, p.field, p.message) == ("talk", "ends", "a date without a time: give both")
    p = _only(_problems(data_dir, _yaml(_session(ends="'2027-09-08'"))))
    assert p.field == "ends"
    assert p.message.startswith("not a date and time")


def test_unknown_zone(data_dir: Path) -> None:
    p = _only(_problems(data_dir, _yaml(_session(), zone="Asia/Almaaty")))
    assert (p.entry, p.field, p.line) == (None, "zone", 1)
    assert p.message == "unknown time zone 'Asia/Almaaty': use an IANA name such as Asia/Almaty"


def test_a_session_that_ends_before_it_starts(data_dir: Path) -> None:
    p = _only(_problems(data_dir, _yaml(_session(ends="2027-09-08T09:30"))))
    assert (p.entry, p.field, p.line) == ("talk", "ends", 9)
    assert p.message == "ends (2027-09-08 09:30) before it starts (2027-09-08 10:00)"
    p = _only(_problems(data_dir, _yaml(_session(ends="2027-09-08T10:00"))))
    assert p.message == "ends when it starts: give it a duration"


def test_duplicate_ids(data_dir: Path) -> None:
    p = _only(_problems(data_dir, _yaml(_session("plenary"), _session("plenary"))))
    assert (p.entry, p.field, p.line) == ("plenary", "id", 10)
    assert p.message == "duplicate id 'plenary' (first at line 3)"


def test_a_wall_clock_time_skipped_by_daylight_saving(data_dir: Path) -> None:
    text = _yaml(_session(starts="2027-03-28T02:30", ends="2027-03-28T04:00"), zone="Europe/Berlin")
    p = _only(_problems(data_dir, text))
    assert (p.field, p.message) == ("starts", "2027-03-28 02:30 does not exist in Europe/Berlin")


def test_unknown_exhibitor_kind_and_translation(data_dir: Path) -> None:
    text = _yaml(
        _session("fair", extra="    exhibitors: [rcsc, nasa, rcsc]\n"),
        _session("panel").replace("kind: talk", "kind: keynote").replace(", kk: Баяндама", ""),
    )
    messages = {(p.entry, p.field, p.message) for p in _problems(data_dir, text)}
    assert messages == {
        ("fair", "exhibitors[1]", "unknown exhibitor 'nasa' (not a slug in employers.yaml)"),
        ("fair", "exhibitors[2]", "exhibitor 'rcsc' listed twice"),
        ("panel", "kind", "unknown session kind 'keynote'; use one of: talk, workshop, "
         "symposium, plenary, panel, career-fair, exhibition, ceremony, networking, other"),
        ("panel", "title.kk", "missing kk translation"),
    }  # fmt: skip


def test_shape_of_the_file(data_dir: Path) -> None:
    p = _only(_problems(data_dir, "- id: talk\n"))
    assert p.message == "expected `zone:` and a list `sessions:`"
    p = _only(_problems(data_dir, _yaml(_session()) + "sesions: []\n"))
    assert (p.field, p.message) == ("sesions", "unknown field (check its spelling)")
    p = _only(_problems(data_dir, _yaml(_session(extra="    room: A\n    room: B\n"))))
    assert (p.entry, p.field, p.line) == ("talk", "room", 11)
    assert p.message.startswith("duplicate key 'room'")


def test_no_file_means_no_schedule(data_dir: Path) -> None:
    schedule, problems = check_schedule(data_dir, SLUGS)
    assert problems == []
    assert schedule is not None
    assert schedule.sessions == ()


def _fairbot(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)}, timeout=60, check=False,
    )  # fmt: skip


def test_check_data_lists_every_problem_with_file_and_line(data_dir: Path) -> None:
    (data_dir / "sessions.yaml").write_text(
        _yaml(_session("a", starts="10am"), _session("b", ends="2027-09-08T09:00"), _session("a")),
        encoding="utf-8",
    )
    out = _fairbot("check-data", data_dir=data_dir)
    assert out.returncode == 1
    sessions = data_dir / "sessions.yaml"
    lines = out.stderr.splitlines()
    assert f"{sessions}:8: entry 'a', field 'starts': not a date and time" in lines[0]
    assert lines[1] == (
        f"{sessions}:16: entry 'b', field 'ends': ends (2027-09-08 09:00) before it starts "
        "(2027-09-08 10:00)"
    )
    assert lines[2] == f"{sessions}:17: entry 'a', field 'id': duplicate id 'a' (first at line 3)"
    assert lines[3] == f"3 problem(s) in {data_dir}"
    write_sessions(data_dir, [entry("a", "2027-09-08T10:00", "2027-09-08T11:00")])
    out = _fairbot("check-data", data_dir=data_dir)
    assert (out.returncode, out.stdout) == (
        0,
        "ok: 48 topics, 7 exhibitors, 22 off-domain fields, 1 sessions\n",
    )
    (data_dir / "sessions.yaml").unlink()
    out = _fairbot("check-data", data_dir=data_dir)
    assert (
        out.stdout
        == "ok: 48 topics, 7 exhibitors, 22 off-domain fields, no sessions.yaml (no schedule)\n"
    )


def test_a_reload_with_a_broken_schedule_keeps_the_one_in_force(data_dir: Path) -> None:
    write_sessions(data_dir, [entry("a", "2027-09-08T10:00", "2027-09-08T11:00")])
    store = FairDataStore(load_fair_data(data_dir))
    broken: list[dict[str, Any]] = [entry("a", "2027-09-08T10:00", "2027-09-08T09:00")]
    write_sessions(data_dir, broken)
    with pytest.raises(DataError) as error:
        load_fair_data(data_dir)  # what /reload runs before it may call store.replace
    assert "ends (2027-09-08 09:00) before it starts" in str(error.value)
    assert [s.id for s in store.current.schedule.sessions] == ["a"]


def test_exhibitors_are_not_called_unknown_when_the_catalogue_itself_is_broken(
    data_dir: Path,
) -> None:
    write_sessions(data_dir, [entry("fair", "2027-09-08T10:00", "2027-09-08T11:00",
                                    exhibitors=["rcsc"])])  # fmt: skip
    (data_dir / "employers.yaml").write_text("- slug: rcsc\n  name: 3\n", encoding="utf-8")
    problems = collect_problems(data_dir)
    assert problems
    assert all(Path(p.file).name == "employers.yaml" for p in problems)
