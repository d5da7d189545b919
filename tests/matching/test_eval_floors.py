"""Quality floors on the labelled cases: our own set and the three sets written by others."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.catalogue import Catalogue
from matching.engine import MatchEngine
from matching.evaluation import Metrics, NaiveBaseline, engine_ranker, load_cases

from .conftest import EVAL_DIR

# Floors sit a little under what the engine reaches (see `fairbot eval`), so that a change that
# makes matching worse fails here. blind2.yaml and blind3.yaml were written without seeing the
# engine; their misses guided general changes (off-domain fields, ambiguous aliases, evidence
# about others; then intents, leisure, one sense per word, tools and jargon), not special
# cases. Their figures are tuning figures now, not blind ones.
FLOORS = {
    "cases.yaml": {"p_at_1": 0.97, "r_at_3": 0.97, "abstention": 0.97},
    "holdout.yaml": {"p_at_1": 0.97, "r_at_3": 0.95, "abstention": 0.95},
    "blind2.yaml": {"p_at_1": 0.97, "r_at_3": 0.95, "abstention": 0.95},
    "blind3.yaml": {"p_at_1": 0.97, "r_at_3": 0.95, "abstention": 0.95},
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_quality_floors(name: str, engine: MatchEngine) -> None:
    cases = load_cases(EVAL_DIR / name)
    metrics = Metrics.of(cases, engine_ranker(engine)(cases))
    for metric, floor in FLOORS[name].items():
        assert getattr(metrics, metric) >= floor, (name, metric, metrics)


def test_own_set_is_big_and_varied() -> None:
    cases = load_cases(EVAL_DIR / "cases.yaml")
    tags = {t for c in cases for t in c.tags}
    assert len(cases) >= 150
    assert {"en", "ru", "kk", "translit", "typo", "short", "long", "multi", "offtopic"} <= tags


def test_case_labels_name_real_exhibitors(catalogue: Catalogue) -> None:
    for path in sorted(Path(EVAL_DIR).glob("*.yaml")):
        for case in load_cases(path):
            assert set(case.accept) <= set(catalogue.exhibitors), (path.name, case.id)


def test_engine_beats_the_naive_baseline(engine: MatchEngine, catalogue: Catalogue) -> None:
    cases = load_cases(EVAL_DIR / "cases.yaml")
    ours = Metrics.of(cases, engine_ranker(engine)(cases))
    naive = Metrics.of(cases, NaiveBaseline(catalogue).rank(cases))
    assert ours.p_at_1 > naive.p_at_1 + 0.3


def test_metrics_definitions() -> None:
    from matching.evaluation import EvalCase

    cases = [
        EvalCase(id="a", lang="en", text="x", accept=["p", "q"]),
        EvalCase(id="b", lang="en", text="y", accept=["r"]),
        EvalCase(id="c", lang="en", text="z", accept=[]),
        EvalCase(id="d", lang="en", text="w", accept=[]),
    ]
    m = Metrics.of(cases, [["q", "x", "p"], ["x", "r"], [], ["p"]])
    assert (m.on_topic, m.off_topic) == (2, 2)
    assert m.p_at_1 == 0.5
    assert m.r_at_3 == 1.0  # both of a's in its top 3; b's one in its top 3
    assert m.mrr == 0.75
    assert m.abstention == 0.5
