"""Names of topics and organisations in a reader's language, from the catalogue in force (ids and
slugs stand in for anything the catalogue does not know, e.g. after a reload removed it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.catalogue import LANGS, Catalogue, Lang


@dataclass(frozen=True)
class Labels:
    topics: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)

    def topic(self, topic_id: str) -> str:
        return self.topics.get(topic_id, topic_id)

    def organisation(self, slug: str) -> str:
        return self.organisations.get(slug, slug)


def labels(catalogue: Catalogue | None, lang: str) -> Labels:
    if catalogue is None:
        return Labels()
    language: Lang = next((code for code in LANGS if code == lang), "en")
    return Labels(
        topics={tid: topic.name.get(language) for tid, topic in catalogue.topics.items()},
        organisations={
            slug: exhibitor.name.get(language) for slug, exhibitor in catalogue.exhibitors.items()
        },
    )
