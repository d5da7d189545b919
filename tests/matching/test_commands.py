"""The check-data, match, eval and bench subcommands, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bench.match import generated_catalogue, generated_profiles, peak_rss_kb
from matching.catalogue import Catalogue
from matching.engine import MatchEngine

from .conftest import ROOT


def fairbot(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_check_data_ok() -> None:
    out = fairbot("check-data")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok: 48 topics, 7 exhibitors, 22 off-domain fields, 7 sessions"


def test_check_data_reports_every_problem_and_fails(data_copy: Path) -> None:
    employers = data_copy / "employers.yaml"
    employers.write_text(
        employers.read_text(encoding="utf-8")
        .replace("kind: thesis", "kind: apprenticeship", 1)
        .replace("- slug: fesenkov", "- slug: rcsc"),
        encoding="utf-8",
    )
    out = fairbot("check-data", env={"DATA_DIR": str(data_copy)})
    assert out.returncode == 1
    assert "entry 'garysh-sapary', field 'openings[2].kind': unknown opening kind" in out.stderr
    assert "entry 'rcsc', field 'slug': duplicate slug 'rcsc'" in out.stderr
    assert "2 problem(s)" in out.stderr


def test_match_prints_ranked_matches_with_reasons() -> None:
    out = fairbot("match", "хочу заниматься обработкой космических снимков и ГИС", "--top", "2")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("1. garysh-sapary")
    assert "«ГИС» → ГИС и картография" in out.stdout
    assert sum(1 for line in lines if line[:2] in {"1.", "2.", "3."}) == 2


def test_match_json_and_off_topic() -> None:
    out = fairbot("match", "--json", "--lang", "en", "sputnikovaya svyaz")
    data = json.loads(out.stdout)
    assert data["matches"][0]["org"] == "rcsc"
    assert (
        data["matches"][0]["reasons"][0]["text"]
        == "“sputnikovaya svyaz” → Satellite communications"
    )
    assert json.loads(fairbot("match", "--json", "asdf").stdout) == {"matches": []}


def test_match_batch_answers_every_line() -> None:
    lines = [
        json.dumps({"text": "stars", "lang": "en"}),
        json.dumps({"text": "I like cooking and football"}),
        "not json",
        json.dumps({"text": "ионосфера", "lang": "de"}),
        json.dumps({"text": "зымыран"}),
        json.dumps({"text": "", "lang": "kk"}),
        json.dumps({"text": "хочу стать звездой эстрады", "lang": None}),
        json.dumps({"text": "I cook in a restaurant. " * 20_000 + "ionosphere"}),
    ]
    out = fairbot("match", "--batch", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(results) == 8
    assert results[5] == {"matches": []}
    assert results[6] == {"matches": []}  # a pop star, not astronomy
    assert results[7]["matches"][0]["org"] == "ionosphere"
    assert results[0]["matches"][0]["org"] == "fesenkov"
    assert all(set(m) >= {"org", "score", "reasons"} for m in results[0]["matches"])
    assert results[1] == {"matches": []}
    assert results[2]["error"].startswith("line 3:")
    assert "unknown lang 'de'" in results[3]["error"]
    assert results[4]["matches"][0]["org"] == "baiterek"


def test_match_and_eval_do_not_load_the_bot_stack() -> None:
    code = (
        "import sys; from bot.cli import main; main(['match', 'stars']); "
        "main(['check-data']); "
        "assert not any(m.split('.')[0] in {'aiogram', 'sqlalchemy'} for m in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_eval_prints_figures_per_file_overall_tag_and_baseline() -> None:
    out = fairbot("eval", "tests/eval/cases.yaml")
    assert out.returncode == 0, out.stderr
    for needle in ("tests/eval/cases.yaml", "overall", "naive baseline", "per tag", "translit"):
        assert needle in out.stdout
    assert "P@1" in out.stdout
    assert "R@3" in out.stdout
    assert "MRR" in out.stdout


def test_bench_generators_are_deterministic(catalogue: Catalogue) -> None:
    import random

    a = generated_catalogue(catalogue, 20, random.Random(1))
    b = generated_catalogue(catalogue, 20, random.Random(1))
    assert a.exhibitors == b.exhibitors
    assert all(len(ex.topics) + len(ex.secondary_topics) == 15 for ex in a.exhibitors.values())
    assert all(len(ex.openings) == 3 for ex in a.exhibitors.values())
    profiles = generated_profiles(catalogue, 200, random.Random(2))
    assert profiles == generated_profiles(catalogue, 200, random.Random(2))
    results = MatchEngine(a).match_many(profiles, top=5)
    assert sum(1 for r in results if r) > 150  # most generated profiles are on topic


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")
def test_peak_rss_is_read_from_the_process_itself() -> None:
    assert 10_000 < peak_rss_kb() < 10_000_000
