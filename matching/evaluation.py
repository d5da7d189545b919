"""Quality measurement: labelled cases, P@1 / R@3 / MRR / abstention, and the naive baseline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process, utils

from matching.catalogue import Catalogue, Lang
from matching.datafiles import DataError, load_yaml, validate_entries
from matching.engine import MatchEngine, StudentProfile


class EvalCase(BaseModel):
    """A student's text and every organisation a careful adviser would accept ([] = off-topic)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    lang: Lang
    text: str
    accept: list[str]
    tags: list[str] = []


def load_cases(path: Path) -> list[EvalCase]:
    """Read one cases file; DataError on any invalid or duplicate case."""
    cases, problems = validate_entries(load_yaml(path), EvalCase, key="id")
    if problems:
        raise DataError(problems)
    return cases


@dataclass(frozen=True)
class Metrics:
    """Figures over a set of cases; on-topic metrics ignore off-topic cases and vice versa."""

    on_topic: int
    off_topic: int
    p_at_1: float
    r_at_3: float
    mrr: float
    abstention: float

    @classmethod
    def of(cls, cases: Sequence[EvalCase], ranked: Sequence[Sequence[str]]) -> Metrics:
        p1 = r3 = rr = 0.0
        on = off = abstained = 0
        for case, orgs in zip(cases, ranked, strict=True):
            if not case.accept:
                off += 1
                abstained += not orgs
                continue
            on += 1
            accept = set(case.accept)
            p1 += bool(orgs) and orgs[0] in accept
            r3 += len(accept.intersection(orgs[:3])) / min(3, len(accept))
            rr += next((1 / (i + 1) for i, org in enumerate(orgs) if org in accept), 0.0)
        return cls(
            on_topic=on,
            off_topic=off,
            p_at_1=p1 / on if on else float("nan"),
            r_at_3=r3 / on if on else float("nan"),
            mrr=rr / on if on else float("nan"),
            abstention=abstained / off if off else float("nan"),
        )


Ranker = Callable[[Sequence[EvalCase]], list[list[str]]]


def engine_ranker(engine: MatchEngine) -> Ranker:
    """Rank with the matching engine (only matches above its own cut-off)."""

    def rank(cases: Sequence[EvalCase]) -> list[list[str]]:
        profiles = [StudentProfile(interests=c.text, lang=c.lang) for c in cases]
        return [[m.org for m in ms] for ms in engine.match_many(profiles)]

    return rank


class NaiveBaseline:
    """Plain rapidfuzz of the student's text against each exhibitor's raw name and description.

    rapidfuzz's default scorer (WRatio) with its default preprocessing and a score cut-off of
    50, so that it can abstain; every exhibitor's text holds its name and description in all
    three languages.
    """

    SCORE_CUTOFF = 50.0

    def __init__(self, catalogue: Catalogue) -> None:
        self.slugs = list(catalogue.exhibitors)
        self.texts = [
            " ".join(
                f"{ex.name.get(lang)} {ex.description.get(lang)}" for lang in ("en", "ru", "kk")
            )
            for ex in catalogue.exhibitors.values()
        ]

    def rank_text(self, text: str) -> list[str]:
        found = process.extract(
            text,
            self.texts,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=None,
            score_cutoff=self.SCORE_CUTOFF,
        )
        return [self.slugs[i] for _, _, i in found]

    def rank(self, cases: Sequence[EvalCase]) -> list[list[str]]:
        return [self.rank_text(c.text) for c in cases]


@dataclass(frozen=True)
class Report:
    """Metrics per file, overall, per tag, and the baseline's on the same cases."""

    per_file: dict[str, Metrics]
    overall: Metrics
    per_tag: dict[str, Metrics]
    baseline: dict[str, Metrics]
    misses: list[tuple[EvalCase, list[str]]]


def evaluate(
    files: dict[str, Sequence[EvalCase]], rank: Ranker, baseline: Ranker | None = None
) -> Report:
    all_cases: list[EvalCase] = []
    all_ranked: list[list[str]] = []
    per_file: dict[str, Metrics] = {}
    base: dict[str, Metrics] = {}
    base_all: list[list[str]] = []
    for name, cases in files.items():
        ranked = rank(cases)
        per_file[name] = Metrics.of(cases, ranked)
        all_cases += cases
        all_ranked += ranked
        if baseline is not None:
            b = baseline(cases)
            base[name] = Metrics.of(cases, b)
            base_all += b
    if baseline is not None:
        base["overall"] = Metrics.of(all_cases, base_all)
    tags = sorted({t for c in all_cases for t in c.tags})
    per_tag = {}
    for tag in tags:
        pairs = [(c, r) for c, r in zip(all_cases, all_ranked, strict=True) if tag in c.tags]
        per_tag[tag] = Metrics.of([c for c, _ in pairs], [r for _, r in pairs])
    misses = [
        (c, r)
        for c, r in zip(all_cases, all_ranked, strict=True)
        if (c.accept and (not r or r[0] not in c.accept)) or (not c.accept and r)
    ]
    return Report(per_file, Metrics.of(all_cases, all_ranked), per_tag, base, misses)


def format_table(rows: Iterable[tuple[str, Metrics]]) -> str:
    lines = [f"{'':<24} {'cases':>5} {'P@1':>6} {'R@3':>6} {'MRR':>6} {'off':>4} {'abstain':>8}"]
    for name, m in rows:
        lines.append(
            f"{name:<24} {m.on_topic:>5} {m.p_at_1:>6.3f} {m.r_at_3:>6.3f} {m.mrr:>6.3f}"
            f" {m.off_topic:>4} {m.abstention:>8.3f}"
        )
    return "\n".join(lines)
