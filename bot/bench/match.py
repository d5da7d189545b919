"""`fairbot bench match`: matching latency, bulk re-matching and memory, against the baseline.

Everything generated here is seeded, so two runs measure the same work. The generated catalogue
has 1,000 exhibitors with 15 topics each (5 core, 10 secondary) and 3 openings; profiles are
built from the taxonomy's own aliases in en/ru/kk, with typos, filler words and off-topic texts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy
import rapidfuzz

from bot.datacheck import default_data_dir
from matching.catalogue import (
    LANGS,
    OPENING_KINDS,
    Catalogue,
    Exhibitor,
    LocalizedText,
    Opening,
    load_catalogue,
)
from matching.engine import MatchEngine, StudentProfile
from matching.evaluation import NaiveBaseline
from matching.text import stem, word_stems

SEED = 2025
LATENCY_PROFILES = 2_000
BASELINE_BULK_SAMPLE = 500
TARGET_P99_REAL_MS = 5.0
TARGET_P99_LARGE_MS = 25.0
TARGET_BULK_S = 60.0
TARGET_RSS_MB = 150.0

_TEMPLATES = {
    "en": [
        "{}",
        "I want to work on {}",
        "I'm interested in {} and {}",
        "{}, also {}",
        "my dream: {}",
    ],
    "ru": ["{}", "хочу заниматься {}", "интересуюсь {} и {}", "{}, а ещё {}", "мечтаю про {}"],
    "kk": ["{}", "{} саласында жұмыс істегім келеді", "{} және {} қызықтырады", "{}, сондай-ақ {}"],
}
_OFF_TOPIC = [
    "I like cooking and football",
    "люблю готовить и смотреть сериалы",
    "мен футбол ойнағанды жақсы көремін",
    "hotel management and tourism",
    "бухгалтерия и налоги",
    "asdf",
    "12345",
]


def generated_catalogue(base: Catalogue, n: int, rng: random.Random) -> Catalogue:
    """`n` exhibitors over the real taxonomy, 15 topics and 3 openings each."""
    topic_ids = list(base.topics)
    exhibitors: dict[str, Exhibitor] = {}
    for i in range(n):
        topics = rng.sample(topic_ids, 15)
        core, secondary = topics[:5], topics[5:]
        names = [base.topics[t].name for t in core[:3]]
        openings = [
            Opening(
                id=f"opening-{k}",
                title=LocalizedText(
                    en=f"Position {k}: {names[k].en}",
                    ru=f"Позиция {k}: {names[k].ru}",
                    kk=f"{k}-позиция: {names[k].kk}",
                ),
                kind=rng.choice(OPENING_KINDS),
                topics=rng.sample(topics, 3),
                languages=rng.sample(LANGS, rng.randint(1, 3)),
            )
            for k in range(3)
        ]
        slug = f"org-{i:04d}"
        exhibitors[slug] = Exhibitor(
            slug=slug,
            name=LocalizedText(en=f"Organisation {i}", ru=f"Организация {i}", kk=f"Ұйым {i}"),
            description=LocalizedText(
                en=", ".join(base.topics[t].name.en for t in topics),
                ru=", ".join(base.topics[t].name.ru for t in topics),
                kk=", ".join(base.topics[t].name.kk for t in topics),
            ),
            city=LocalizedText(en="Almaty", ru="Алматы", kk="Алматы"),
            website=f"https://org{i}.example.org",
            topics=core,
            secondary_topics=secondary,
            openings=openings,
        )
    return Catalogue(topics=base.topics, exhibitors=exhibitors, off_domain=base.off_domain)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters
    return word[:i] + word[i + 1 :]  # drop one


def generated_profiles(base: Catalogue, n: int, rng: random.Random) -> list[StudentProfile]:
    """Texts made of the taxonomy's aliases, in templates, ~20% with a typo, ~10% off-topic."""
    pools = {
        lang: [a for t in base.topics.values() for a in getattr(t.aliases, lang)] for lang in LANGS
    }
    profiles = []
    for _ in range(n):
        lang = rng.choice(LANGS)
        if rng.random() < 0.1:
            text = rng.choice(_OFF_TOPIC)
        else:
            template = rng.choice(_TEMPLATES[lang])
            parts = [rng.choice(pools[lang]) for _ in range(template.count("{}"))]
            text = template.format(*parts)
            if rng.random() < 0.2:
                words = text.split()
                k = rng.randrange(len(words))
                words[k] = _typo(words[k], rng)
                text = " ".join(words)
        seeking = frozenset(rng.sample(OPENING_KINDS, rng.randint(0, 2)))
        profiles.append(StudentProfile(interests=text, lang=lang, seeking=seeking))
    return profiles


def _percentiles(samples_s: Sequence[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def _latencies(
    call: Callable[[StudentProfile], object], profiles: Sequence[StudentProfile]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread's) seconds of each call.

    The wall time is what a student waits; the CPU time is the engine's own work, which other
    processes on a busy machine cannot inflate: both together tell a slow engine from a busy one.
    """
    wall, cpu = [], []
    for p in profiles:
        start, start_cpu = time.perf_counter(), time.thread_time()
        call(p)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return wall, cpu


def _naive_call(naive: NaiveBaseline) -> Callable[[StudentProfile], object]:
    return lambda p: naive.rank_text(p.interests)


def _cold(engine: MatchEngine) -> Callable[[StudentProfile], object]:
    """Each call starts with empty word caches (stems, similarities): a new student's worst case."""

    def call(p: StudentProfile) -> object:
        engine.index.clear_cache()
        word_stems.cache_clear()
        stem.cache_clear()
        return engine.match(p, top=5)

    return call


def rss_child(data_dir: str, n_orgs: int) -> None:
    """Run in a separate process: build the large catalogue and engine, match, report max RSS."""
    rng = random.Random(SEED)
    base = load_catalogue(Path(data_dir))
    catalogue = generated_catalogue(base, n_orgs, rng)
    engine = MatchEngine(catalogue)
    profiles = generated_profiles(base, LATENCY_PROFILES, rng)
    for p in profiles:
        engine.match(p, top=5)
    engine.match_many(profiles, top=5)
    print(json.dumps({"peak_kb": peak_rss_kb()}))


def peak_rss_kb() -> int:
    """This process's peak resident set size.

    VmHWM belongs to the process's own address space, which exec replaces; getrusage's
    ru_maxrss would include the parent's size at fork time on Linux.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _child_rss_mb(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_kb"]) / 1024


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data) if args.data else default_data_dir()
    real = load_catalogue(data_dir)
    rng = random.Random(SEED)
    large = generated_catalogue(real, 1_000, rng)
    latency_profiles = generated_profiles(real, LATENCY_PROFILES, rng)
    print(
        f"fairbot bench match — Python {platform.python_version()}, rapidfuzz "
        f"{rapidfuzz.__version__}, numpy {numpy.__version__}, {_cpus()} CPU(s), seed {SEED}"
    )
    print(f"single-profile latency, {LATENCY_PROFILES} generated profiles, top 5, cold cache")
    print(
        f"  {'catalogue':<22} {'engine p50':>11} {'p99':>8} {'baseline p50':>13} {'p99':>8}"
        "  target p99"
    )
    for name, catalogue, target in (
        (f"real ({len(real.exhibitors)} orgs)", real, TARGET_P99_REAL_MS),
        ("generated (1,000 orgs)", large, TARGET_P99_LARGE_MS),
    ):
        build = time.perf_counter()
        engine = MatchEngine(catalogue)
        build = time.perf_counter() - build
        wall, cpu = _latencies(_cold(engine), latency_profiles)
        p50, p99 = _percentiles(wall)
        c50, c99 = _percentiles(cpu)
        naive = NaiveBaseline(catalogue)
        sample = latency_profiles if len(catalogue.exhibitors) < 100 else latency_profiles[:200]
        b50, b99 = _percentiles(_latencies(_naive_call(naive), sample)[0])
        verdict = "ok" if p99 <= target else "MISSED"
        print(
            f"  {name:<22} {p50:>8.2f} ms {p99:>5.2f} ms {b50:>10.2f} ms {b99:>5.2f} ms"
            f"  ≤ {target:g} ms {verdict}   (engine built in {build * 1000:.0f} ms)"
        )
        print(f"  {'  CPU time, same calls':<22} {c50:>8.2f} ms {c99:>5.2f} ms")

    n = args.profiles
    profiles = generated_profiles(real, n, random.Random(SEED + 1))
    unique = len({p.key() for p in profiles})
    engine = MatchEngine(large)
    engine.index.clear_cache()
    start = time.perf_counter()
    results = engine.match_many(profiles, top=5)
    bulk = time.perf_counter() - start
    matched = sum(1 for r in results if r)
    naive = NaiveBaseline(large)
    sample = profiles[:BASELINE_BULK_SAMPLE]
    start = time.perf_counter()
    for p in sample:
        naive.rank_text(p.interests)
    naive_bulk = (time.perf_counter() - start) / len(sample) * n
    verdict = "ok" if bulk <= TARGET_BULK_S * n / 100_000 else "MISSED"
    print("bulk re-matching after a catalogue change, 1,000 orgs, top 5")
    print(
        f"  engine: {n:,} profiles ({unique:,} distinct, {matched:,} with matches) in {bulk:.1f} s"
        f" ({n / bulk:,.0f}/s); target ≤ {TARGET_BULK_S * n / 100_000:g} s {verdict}"
    )
    print(
        f"  baseline: {naive_bulk:,.0f} s (extrapolated from {len(sample)} profiles,"
        f" {naive_bulk / n * 1000:.1f} ms each)"
    )

    here = Path(__file__).resolve().parents[2]
    prelude = f"import sys; sys.path.insert(0, {str(here)!r}); "
    rss = _child_rss_mb(
        prelude + f"from bot.bench.match import rss_child; rss_child({str(data_dir)!r}, 1000)"
    )
    floor = _child_rss_mb(
        prelude
        + "import json, bot.bench.match as b; print(json.dumps({'peak_kb': b.peak_rss_kb()}))"
    )
    verdict = "ok" if rss <= TARGET_RSS_MB else "MISSED"
    print("peak memory (max RSS of a child process doing only the 1,000-org work:")
    print(f"  catalogue + engine + {LATENCY_PROFILES} single and bulk matches)")
    print(
        f"  {rss:.0f} MB, of which {floor:.0f} MB is the interpreter with the libraries imported;"
        f" target ≤ {TARGET_RSS_MB:g} MB {verdict}"
    )
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
