"""Pure matching library: the exhibitor catalogue, the topic taxonomy and the matching engine."""

from matching.catalogue import (
    LANGS,
    OPENING_KINDS,
    Catalogue,
    Exhibitor,
    Lang,
    LocalizedText,
    OffDomainField,
    Opening,
    OpeningKind,
    Representative,
    Topic,
    load_catalogue,
)
from matching.datafiles import DataError, DataProblem
from matching.engine import Match, MatchEngine, Reason, StudentProfile, TopicMention

__all__ = [
    "LANGS",
    "OPENING_KINDS",
    "Catalogue",
    "DataError",
    "DataProblem",
    "Exhibitor",
    "Lang",
    "LocalizedText",
    "Match",
    "MatchEngine",
    "OffDomainField",
    "Opening",
    "OpeningKind",
    "Reason",
    "Representative",
    "StudentProfile",
    "Topic",
    "TopicMention",
    "load_catalogue",
]
