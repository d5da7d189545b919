"""The exhibitor catalogue and topic taxonomy: pydantic schemas and loading from data/*.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import ErrorDetails

from matching.datafiles import (
    DataError,
    DataProblem,
    YamlDocument,
    load_yaml,
    validate_entries,
)
from matching.text import stems

Lang = Literal["en", "ru", "kk"]
LANGS: tuple[Lang, ...] = get_args(Lang)
OpeningKind = Literal["internship", "job", "thesis", "research"]
OPENING_KINDS: tuple[OpeningKind, ...] = get_args(OpeningKind)
OffDomainKind = Literal["field", "leisure"]

TOPICS_FILE = "topics.yaml"
EMPLOYERS_FILE = "employers.yaml"
OFF_DOMAIN_FILE = "offtopic.yaml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
TopicId = Slug


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Frozen):
    """A text in every language the bot speaks; none may be missing or empty."""

    en: Text
    ru: Text
    kk: Text

    def get(self, lang: Lang) -> str:
        value: str = getattr(self, lang)
        return value

    def get_all(self) -> list[str]:
        return [self.en, self.ru, self.kk]


class TopicAliases(_Frozen):
    """Words students use for a topic, per language: synonyms, abbreviations, related terms."""

    en: list[Text] = []
    ru: list[Text] = []
    kk: list[Text] = []

    def all(self) -> list[tuple[Lang, str]]:
        return [(lang, alias) for lang in LANGS for alias in getattr(self, lang)]


class Topic(_Frozen):
    """A node of the taxonomy. `weight` is specificity: 1 for "ionosphere", ~0.3 for "space".

    `ambiguous` names aliases that also have an everyday sense outside the field ("stars" of
    the stage, car "engines"): they count only when nothing in the text points to a field no
    exhibitor works in (see `OffDomainField`).
    """

    id: TopicId
    name: LocalizedText
    aliases: TopicAliases = TopicAliases()
    ambiguous: TopicAliases = TopicAliases()
    weight: float = Field(default=1.0, gt=0, le=1)
    broader: list[TopicId] = []


class OffDomainField(_Frozen):
    """A field no exhibitor works in (medicine, cooking, show business, astrology...).

    Its aliases are negative evidence: a text mostly about such fields gets no match, a phrase
    like "pop star" or "car engine" takes its words away from the taxonomy, and a word these
    aliases know is never read as a typo of a taxonomy word ("гороскоп" is not "гироскоп").
    `weight` says how clearly the field points away from the fair (1 = clearly).

    `kind` is "field" (another profession, discipline or everyday matter: a nurse, a lawyer, a
    flat to rent) or "leisure" (games, films, shows, songs, horoscopes, dating, children's
    clubs): the fair's words in the same clause as a leisure word are its content, a rocket in
    a game, planets in a horoscope, unless the sentence speaks of studying or working.
    """

    id: TopicId
    name: LocalizedText
    aliases: TopicAliases
    weight: float = Field(default=1.0, gt=0, le=1)
    kind: OffDomainKind = "field"


class Opening(_Frozen):
    """An internship, job, thesis or research position an exhibitor offers."""

    id: Slug
    title: LocalizedText
    kind: OpeningKind
    topics: list[TopicId] = Field(min_length=1)
    languages: list[Lang] = Field(min_length=1)


class Representative(_Frozen):
    """A person who receives leads for an exhibitor. Never shown to students."""

    name: Text
    role: str = ""
    telegram: str | None = None
    telegram_id: int | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    phone: str | None = None


class Exhibitor(_Frozen):
    """An organisation at the fair. `topics` are its core fields, `secondary_topics` the rest."""

    slug: Slug
    name: LocalizedText
    description: LocalizedText
    city: LocalizedText
    website: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    booth: str = ""
    aliases: list[Text] = []  # other names students use: acronyms, short or old names
    topics: list[TopicId] = Field(min_length=1)
    secondary_topics: list[TopicId] = []
    openings: list[Opening] = []
    representatives: list[Representative] = []

    def all_topics(self) -> list[str]:
        """Core, secondary and openings' topics, each once, core first."""
        seen: dict[str, None] = {}
        for tid in self.topics:
            seen[tid] = None
        for tid in self.secondary_topics:
            seen[tid] = None
        for opening in self.openings:
            for tid in opening.topics:
                seen[tid] = None
        return list(seen)


@dataclass(frozen=True)
class Catalogue:
    """Topics by id and exhibitors by slug, both in file order; off-domain fields by id."""

    topics: Mapping[str, Topic]
    exhibitors: Mapping[str, Exhibitor]
    off_domain: Mapping[str, OffDomainField] = field(default_factory=dict)


def _explain(err: ErrorDetails) -> str | None:
    loc = err["loc"]
    if loc and loc[-1] in LANGS and err["type"] in {"missing", "string_too_short"}:
        return f"missing {loc[-1]} translation"
    if loc and loc[-1] == "kind" and err["type"] == "literal_error":
        if "openings" in loc:
            kinds = ", ".join(OPENING_KINDS)
            return f"unknown opening kind {err.get('input')!r}; use one of: {kinds}"
        kinds = ", ".join(get_args(OffDomainKind))
        return f"unknown kind {err.get('input')!r}; use one of: {kinds}"
    if err["type"] == "string_pattern_mismatch" and loc and loc[-1] in {"id", "slug", "broader"}:
        return (
            f"{err.get('input')!r} is not a valid id "
            "(lowercase latin letters, digits and single hyphens)"
        )
    return None


def _check_topic_refs(
    doc: YamlDocument, topics: set[str], exhibitors: list[Exhibitor]
) -> list[DataProblem]:
    problems: list[DataProblem] = []
    # Valid exhibitors are the raw entries minus the invalid ones, in order: find their lines.
    raw: list[object] = doc.data if isinstance(doc.data, list) else []
    positions: list[int] = []
    for i, item in enumerate(raw):
        k = len(positions)
        if (
            k < len(exhibitors)
            and isinstance(item, dict)
            and item.get("slug") == exhibitors[k].slug
        ):
            positions.append(i)

    def unknown(path: tuple[str | int, ...], tid: str) -> DataProblem:
        return doc.problem(path, f"unknown topic id {tid!r}", key="slug")

    for ex, i in zip(exhibitors, positions, strict=False):
        for field_name in ("topics", "secondary_topics"):
            for j, tid in enumerate(getattr(ex, field_name)):
                if tid not in topics:
                    problems.append(unknown((i, field_name, j), tid))
        seen_openings: dict[str, int] = {}
        for k, opening in enumerate(ex.openings):
            if opening.id in seen_openings:
                problems.append(
                    doc.problem(
                        (i, "openings", k, "id"),
                        f"duplicate opening id {opening.id!r} "
                        f"(also openings[{seen_openings[opening.id]}])",
                        key="slug",
                    )
                )
            seen_openings.setdefault(opening.id, k)
            for j, tid in enumerate(opening.topics):
                if tid not in topics:
                    problems.append(unknown((i, "openings", k, "topics", j), tid))
    return problems


def load_catalogue(data_dir: Path) -> Catalogue:
    """Load and cross-check topics.yaml and employers.yaml; DataError lists every problem."""
    catalogue, problems = check_catalogue(data_dir)
    if problems or catalogue is None:
        raise DataError(problems)
    return catalogue


def check_catalogue(data_dir: Path) -> tuple[Catalogue | None, list[DataProblem]]:
    """Like load_catalogue, but returns the problems; the catalogue only when there are none."""
    topics_doc = load_yaml(data_dir / TOPICS_FILE, _display(data_dir, TOPICS_FILE))
    topic_list, problems = validate_entries(topics_doc, Topic, key="id", explain=_explain)
    topics: dict[str, Topic] = {}
    for topic in topic_list:
        topics.setdefault(topic.id, topic)  # duplicates are already reported
    # An entry with a problem of its own still defines its id: no cascade of "unknown topic id".
    known = set(topics) | _raw_keys(topics_doc, "id")
    for i, topic in enumerate(topic_list):
        for j, parent in enumerate(topic.broader):
            if parent not in known:
                path = (_raw_index(topics_doc, "id", topic.id, i), "broader", j)
                problems.append(topics_doc.problem(path, f"unknown topic id {parent!r}", key="id"))

    employers_doc = load_yaml(data_dir / EMPLOYERS_FILE, _display(data_dir, EMPLOYERS_FILE))
    exhibitors, more = validate_entries(employers_doc, Exhibitor, key="slug", explain=_explain)
    problems += more
    if topics_doc.data is not None:  # without a taxonomy every reference would look unknown
        problems += _check_topic_refs(employers_doc, known, exhibitors)

    problems += _check_ambiguous(topics_doc, topic_list)
    off_domain, more = _check_off_domain(data_dir, topic_list, known)
    problems += more

    if problems:
        return None, problems
    catalogue = Catalogue(
        topics=topics, exhibitors={ex.slug: ex for ex in exhibitors}, off_domain=off_domain
    )
    return catalogue, []


def alias_key(alias: str) -> tuple[str, ...]:
    """What the matcher sees of an alias: its stems (two spellings with one key are one alias)."""
    return tuple(stems(alias))


def _check_ambiguous(doc: YamlDocument, topic_list: list[Topic]) -> list[DataProblem]:
    """Every ambiguous alias must be one of the topic's aliases in the same language."""
    problems = []
    for i, topic in enumerate(topic_list):
        for lang in LANGS:
            own = {alias_key(a) for a in getattr(topic.aliases, lang)}
            for j, alias in enumerate(getattr(topic.ambiguous, lang)):
                if alias_key(alias) not in own:
                    path = (_raw_index(doc, "id", topic.id, i), "ambiguous", lang, j)
                    message = f"{alias!r} is not one of this topic's {lang} aliases"
                    problems.append(doc.problem(path, message, key="id"))
    return problems


def _check_off_domain(
    data_dir: Path, topic_list: list[Topic], topic_ids: set[str]
) -> tuple[dict[str, OffDomainField], list[DataProblem]]:
    """offtopic.yaml is optional; when present its ids and aliases must not clash with topics'."""
    path = data_dir / OFF_DOMAIN_FILE
    if not path.exists():
        return {}, []
    doc = load_yaml(path, _display(data_dir, OFF_DOMAIN_FILE))
    fields, problems = validate_entries(doc, OffDomainField, key="id", explain=_explain)
    owner: dict[tuple[str, ...], str] = {}
    for topic in topic_list:
        for _, alias in topic.aliases.all():
            owner.setdefault(alias_key(alias), topic.id)
    for i, off in enumerate(fields):
        raw = _raw_index(doc, "id", off.id, i)
        if off.id in topic_ids:
            message = f"{off.id!r} is already a topic id in {TOPICS_FILE}"
            problems.append(doc.problem((raw, "id"), message, key="id"))
        for lang in LANGS:
            for j, alias in enumerate(getattr(off.aliases, lang)):
                key = alias_key(alias)
                if not key:
                    message = f"{alias!r} has only stop words or punctuation: it can never match"
                elif key in owner:
                    message = (
                        f"{alias!r} is also an alias of topic {owner[key]!r} in {TOPICS_FILE}: "
                        "a word cannot be both"
                    )
                else:
                    continue
                problems.append(doc.problem((raw, "aliases", lang, j), message, key="id"))
    result: dict[str, OffDomainField] = {}
    for off in fields:
        result.setdefault(off.id, off)
    return result, problems


def _raw_keys(doc: YamlDocument, key: str) -> set[str]:
    if not isinstance(doc.data, list):
        return set()
    return {
        item[key] for item in doc.data if isinstance(item, dict) and isinstance(item.get(key), str)
    }


def _raw_index(doc: YamlDocument, key: str, value: str, fallback: int) -> int:
    if isinstance(doc.data, list):
        for i, item in enumerate(doc.data):
            if isinstance(item, dict) and item.get(key) == value:
                return i
    return fallback


def _display(data_dir: Path, name: str) -> str:
    """File names in messages as the organiser typed the directory (data/employers.yaml)."""
    return str(data_dir / name)
