"""Names of topics, organisations and sessions in a reader's language, from the data in force
(ids and slugs stand in for anything the data does not know, e.g. after a reload removed it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.schedule.data import Schedule
from matching.catalogue import LANGS, Catalogue, Lang


@dataclass(frozen=True)
class Labels:
    topics: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def topic(self, topic_id: str) -> str:
        return self.topics.get(topic_id, topic_id)

    def organisation(self, slug: str) -> str:
        return self.organisations.get(slug, slug)

    def session(self, session_id: str) -> str:
        return self.sessions.get(session_id, session_id)


def labels(catalogue: Catalogue | None, lang: str, schedule: Schedule | None = None) -> Labels:
    if catalogue is None:
        return Labels()
    language: Lang = next((code for code in LANGS if code == lang), "en")
    return Labels(
        topics={tid: topic.name.get(language) for tid, topic in catalogue.topics.items()},
        organisations={
            slug: exhibitor.name.get(language) for slug, exhibitor in catalogue.exhibitors.items()
        },
        sessions=_sessions(schedule, language) if schedule is not None else {},
    )


def _sessions(schedule: Schedule, language: Lang) -> dict[str, str]:
    """ "08.09 10:00 Plenary session": the day and time tell sessions of the same name apart."""
    return {
        s.id: f"{s.starts_at.astimezone(schedule.zone):%d.%m %H:%M} {s.title.get(language)}"
        for s in schedule.sessions
    }
