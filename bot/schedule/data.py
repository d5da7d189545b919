"""The forum's schedule from data/sessions.yaml: sessions with aware times, checked line by line."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import ErrorDetails, PydanticCustomError

from matching.catalogue import LocalizedText, Slug
from matching.datafiles import (
    DataError,
    DataProblem,
    YamlDocument,
    load_yaml,
    validate_entries,
)

SESSIONS_FILE = "sessions.yaml"
FORUM_ZONE = "Asia/Almaty"

SessionKind = Literal[
    "talk", "workshop", "symposium", "plenary", "panel", "career-fair", "exhibition",
    "ceremony", "networking", "other",
]  # fmt: skip
SESSION_KINDS: tuple[str, ...] = get_args(SessionKind)
CAREER_FAIR = "career-fair"

# Session ids travel in callback data (64 bytes with the prefix and the day) and dedup keys.
SESSION_ID_MAX = 40
SessionId = Annotated[Slug, StringConstraints(max_length=SESSION_ID_MAX)]


def _local_time(value: Any) -> Any:
    """ISO 8601 text or a YAML timestamp; naive values get the file's zone later."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        raise PydanticCustomError("time_missing", "a date without a time: give both")
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        # fromisoformat reads a bare date as midnight: a session needs a time of day.
        if parsed is not None and ("T" in text or " " in text):
            return parsed
    raise PydanticCustomError(
        "time_format",
        "not a date and time: use ISO 8601 such as 2027-09-08T10:00 "
        "(the file's zone) or 2027-09-08T10:00+05:00",
    )


LocalTime = Annotated[datetime, BeforeValidator(_local_time)]


class SessionEntry(BaseModel):
    """One session as written in sessions.yaml (times may be naive: the file's zone applies)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: SessionId
    title: LocalizedText
    description: LocalizedText
    kind: SessionKind
    starts: LocalTime
    ends: LocalTime
    venue: LocalizedText
    room: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""
    # For the career fair (or an exhibition): the exhibitors present, by catalogue slug.
    exhibitors: list[Slug] = []
    # A cancelled session stays in the file so that its subscribers can be told.
    cancelled: bool = False


@dataclass(frozen=True)
class ForumSession:
    """A session of the forum, its times aware (UTC)."""

    id: str
    kind: str
    title: LocalizedText
    description: LocalizedText
    venue: LocalizedText
    room: str
    starts_at: datetime
    ends_at: datetime
    exhibitors: tuple[str, ...] = ()
    cancelled: bool = False

    @property
    def is_career_fair(self) -> bool:
        return self.kind == CAREER_FAIR

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


@dataclass(frozen=True)
class Schedule:
    """Every session of the forum in order of start time, and the forum's zone."""

    zone: tzinfo
    sessions: tuple[ForumSession, ...] = ()
    _by_id: dict[str, ForumSession] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Stable: sessions starting together keep the file's order.
        ordered = tuple(sorted(self.sessions, key=lambda s: s.starts_at))
        object.__setattr__(self, "sessions", ordered)
        object.__setattr__(self, "_by_id", {s.id: s for s in ordered})

    def get(self, session_id: str) -> ForumSession | None:
        return self._by_id.get(session_id)

    def days(self, zone: tzinfo) -> list[date]:
        """The calendar days (in `zone`) on which sessions start."""
        return sorted({s.starts_at.astimezone(zone).date() for s in self.sessions})

    def on_day(self, day: date, zone: tzinfo) -> list[ForumSession]:
        return [s for s in self.sessions if s.starts_at.astimezone(zone).date() == day]


def empty_schedule(zone: str = FORUM_ZONE) -> Schedule:
    return Schedule(zone=ZoneInfo(zone))


def load_schedule(data_dir: Path, exhibitors: Collection[str] | None = None) -> Schedule:
    """Load and check sessions.yaml; DataError lists every problem. No file: an empty schedule."""
    schedule, problems = check_schedule(data_dir, exhibitors)
    if problems or schedule is None:
        raise DataError(problems)
    return schedule


def check_schedule(
    data_dir: Path, exhibitors: Collection[str] | None = None
) -> tuple[Schedule | None, list[DataProblem]]:
    """Like load_schedule, but returns the problems; the schedule only when there are none.

    `exhibitors` are the catalogue's slugs (None when the catalogue itself is broken: then the
    exhibitors of sessions are not cross-checked, rather than all reported unknown).
    """
    path = data_dir / SESSIONS_FILE
    if not path.exists():
        return empty_schedule(), []
    doc = load_yaml(path, str(path))
    problems = list(doc.problems)
    problems += [
        doc.problem(where, message, line=line)
        for where, message, line in doc.duplicate_keys
        if where[:1] != ("sessions",)
    ]
    if doc.data is None:
        return None, problems or [DataProblem(doc.file, None, None, "file is empty", None)]
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("sessions"), list):
        problems.append(
            DataProblem(doc.file, None, None, "expected `zone:` and a list `sessions:`", 1)
        )
        return None, problems
    unknown_keys = sorted(set(doc.data) - {"zone", "sessions"}, key=str)
    for key in unknown_keys:
        problems.append(doc.problem((key,), "unknown field (check its spelling)"))

    zone = _zone(doc, problems)
    entries_doc = _sub_document(doc, "sessions")
    entries, more = validate_entries(entries_doc, SessionEntry, key="id", explain=_explain)
    problems += more
    sessions: list[ForumSession] = []
    for entry, index in zip(entries, _positions(entries_doc, entries), strict=True):
        session = _session(entries_doc, index, entry, zone or UTC, problems)
        if exhibitors is not None:
            for j, slug in enumerate(entry.exhibitors):
                if slug not in exhibitors:
                    problems.append(
                        entries_doc.problem(
                            (index, "exhibitors", j),
                            f"unknown exhibitor {slug!r} (not a slug in employers.yaml)",
                            key="id",
                        )
                    )
        seen: set[str] = set()
        for j, slug in enumerate(entry.exhibitors):
            if slug in seen:
                problems.append(
                    entries_doc.problem(
                        (index, "exhibitors", j), f"exhibitor {slug!r} listed twice", key="id"
                    )
                )
            seen.add(slug)
        if session is not None:
            sessions.append(session)
    if problems or zone is None:
        # In file order, as the organiser reads it.
        return None, sorted(problems, key=lambda p: p.line or 0)
    return Schedule(zone=zone, sessions=tuple(sessions)), []


def _zone(doc: YamlDocument, problems: list[DataProblem]) -> tzinfo | None:
    assert isinstance(doc.data, dict)
    name = doc.data.get("zone", FORUM_ZONE)
    if not isinstance(name, str) or not name.strip():
        problems.append(doc.problem(("zone",), "expected an IANA time zone such as Asia/Almaty"))
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            doc.problem(
                ("zone",), f"unknown time zone {name!r}: use an IANA name such as Asia/Almaty"
            )
        )
        return None


def _sub_document(doc: YamlDocument, key: str) -> YamlDocument:
    """The list under `key` as a document of its own, with its lines (paths lose the key)."""
    assert isinstance(doc.data, dict)
    lines = {path[1:]: line for path, line in doc.lines.items() if path[:1] == (key,)}
    duplicates = [(p[1:], msg, line) for p, msg, line in doc.duplicate_keys if p[:1] == (key,)]
    return YamlDocument(file=doc.file, data=doc.data[key], lines=lines, duplicate_keys=duplicates)


def _positions(doc: YamlDocument, entries: list[SessionEntry]) -> Iterable[int]:
    """Indexes of the valid entries among the raw ones (invalid entries are left out in order)."""
    raw: list[object] = doc.data if isinstance(doc.data, list) else []
    found: list[int] = []
    for i, item in enumerate(raw):
        k = len(found)
        if k < len(entries) and isinstance(item, dict) and item.get("id") == entries[k].id:
            found.append(i)
    return found


def _aware(
    doc: YamlDocument,
    index: int,
    name: str,
    value: datetime,
    zone: tzinfo,
    problems: list[DataProblem],
) -> datetime | None:
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    local = value.replace(tzinfo=zone)
    # A wall-clock time skipped by a daylight-saving jump does not exist in the zone.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        problems.append(
            doc.problem((index, name), f"{value:%Y-%m-%d %H:%M} does not exist in {zone}", key="id")
        )
        return None
    return local.astimezone(UTC)


def _session(
    doc: YamlDocument, index: int, entry: SessionEntry, zone: tzinfo, problems: list[DataProblem]
) -> ForumSession | None:
    starts = _aware(doc, index, "starts", entry.starts, zone, problems)
    ends = _aware(doc, index, "ends", entry.ends, zone, problems)
    if starts is None or ends is None:
        return None
    if ends <= starts:
        problems.append(
            doc.problem(
                (index, "ends"),
                f"ends ({ends.astimezone(zone):%Y-%m-%d %H:%M}) before it starts "
                f"({starts.astimezone(zone):%Y-%m-%d %H:%M})"
                if ends < starts
                else "ends when it starts: give it a duration",
                key="id",
            )
        )
        return None
    return ForumSession(
        id=entry.id,
        kind=entry.kind,
        title=entry.title,
        description=entry.description,
        venue=entry.venue,
        room=entry.room,
        starts_at=starts,
        ends_at=ends,
        exhibitors=tuple(dict.fromkeys(entry.exhibitors)),
        cancelled=entry.cancelled,
    )


def _explain(err: ErrorDetails) -> str | None:
    loc = err["loc"]
    kind = err["type"]
    if loc and loc[-1] in ("en", "ru", "kk") and kind in {"missing", "string_too_short"}:
        return f"missing {loc[-1]} translation"
    if loc and loc[-1] == "kind" and kind == "literal_error":
        return f"unknown session kind {err.get('input')!r}; use one of: {', '.join(SESSION_KINDS)}"
    if loc and loc[0] == "id" and kind == "string_pattern_mismatch":
        return (
            f"{err.get('input')!r} is not a valid id "
            "(lowercase latin letters, digits and single hyphens)"
        )
    if loc and loc[0] == "id" and kind == "string_too_long":
        return f"id is longer than {SESSION_ID_MAX} characters"
    if loc and loc[0] == "exhibitors" and kind == "string_pattern_mismatch":
        return f"{err.get('input')!r} is not an exhibitor slug"
    return None
