"""`fairbot match` and `fairbot eval`: the matching engine from the command line (no aiogram)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from bot.datacheck import default_data_dir
from matching.catalogue import LANGS, Catalogue, Lang, load_catalogue
from matching.datafiles import DataError
from matching.engine import Match, MatchEngine, StudentProfile
from matching.evaluation import (
    EvalCase,
    NaiveBaseline,
    engine_ranker,
    evaluate,
    format_table,
    load_cases,
)

KAZAKH_LETTERS = frozenset("әғқңөұүһі")


def guess_lang(text: str) -> Lang:
    """Kazakh if it has Kazakh letters, Russian if Cyrillic, else English."""
    lowered = text.lower()
    if any(c in KAZAKH_LETTERS for c in lowered):
        return "kk"
    if any("\u0400" <= c <= "\u04ff" for c in lowered):
        return "ru"
    return "en"


def _load(args: argparse.Namespace) -> Catalogue | None:
    data_dir = Path(args.data) if args.data else default_data_dir()
    try:
        return load_catalogue(data_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("fix the data files (see `fairbot check-data`)", file=sys.stderr)
        return None


def match_json(match: Match, lang: Lang, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "org": match.org,
        "score": match.score,
        "reasons": [
            {
                "topic": r.topic,
                "words": r.words,
                "source": r.source,
                "text": r.render(lang, catalogue),
            }
            for r in match.reasons
        ],
        "openings": [op.id for op in match.openings],
    }


def _print_matches(matches: list[Match], lang: Lang, catalogue: Catalogue, out: TextIO) -> None:
    if not matches:
        print("no matches: the text mentions nothing the exhibitors work on", file=out)
        return
    for rank, m in enumerate(matches, 1):
        ex = catalogue.exhibitors[m.org]
        print(f"{rank}. {m.org:<14} {m.score:5.1f}  {ex.name.get(lang)}", file=out)
        for reason in m.reasons:
            print(f"     {reason.render(lang, catalogue)}", file=out)
        for op in m.openings:
            print(f"     • {op.title.get(lang)} ({op.kind})", file=out)


def match(args: argparse.Namespace) -> int:
    catalogue = _load(args)
    if catalogue is None:
        return 1
    engine = MatchEngine(catalogue)
    if args.batch:
        return _match_batch(engine, catalogue, sys.stdin, sys.stdout, args.top)
    if not args.text:
        print("give a text to match, or --batch to read JSON lines on stdin", file=sys.stderr)
        return 2
    text = " ".join(args.text)
    lang: Lang = args.lang or guess_lang(text)
    matches = engine.match(StudentProfile(interests=text, lang=lang), top=args.top)
    if args.json:
        json.dump(
            {"matches": [match_json(m, lang, catalogue) for m in matches]},
            sys.stdout,
            ensure_ascii=False,
        )
        print()
    else:
        _print_matches(matches, lang, catalogue, sys.stdout)
    return 0


def _match_batch(
    engine: MatchEngine, catalogue: Catalogue, inp: TextIO, out: TextIO, top: int | None
) -> int:
    """One JSON line out per line in; a bad line gets an error object, the others still run."""
    profiles: list[StudentProfile | str] = []
    for n, line in enumerate(inp, 1):
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            lang = item.get("lang") or guess_lang(item["text"])
            if lang not in LANGS:
                raise ValueError(f"unknown lang {lang!r}; use one of {', '.join(LANGS)}")
            profiles.append(StudentProfile(interests=item["text"], lang=cast(Lang, lang)))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            profiles.append(f"line {n}: {exc}")
    valid = [p for p in profiles if isinstance(p, StudentProfile)]
    results = iter(engine.match_many(valid, top=top))
    for p in profiles:
        if isinstance(p, str):
            record: dict[str, Any] = {"error": p}
        else:
            record = {"matches": [match_json(m, p.lang, catalogue) for m in next(results)]}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def eval_command(args: argparse.Namespace) -> int:
    catalogue = _load(args)
    if catalogue is None:
        return 1
    paths = [Path(p) for p in args.files] or sorted(Path("tests/eval").glob("*.yaml"))
    if not paths:
        print("no evaluation files: give them as arguments or run from the project root")
        return 2
    files: dict[str, list[EvalCase]] = {}
    try:
        for path in paths:
            files[str(path)] = load_cases(path)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    engine = MatchEngine(catalogue)
    report = evaluate(files, engine_ranker(engine), NaiveBaseline(catalogue).rank)
    print("matching engine")
    print(format_table([*report.per_file.items(), ("overall", report.overall)]))
    print("\nnaive baseline (rapidfuzz WRatio over raw names and descriptions)")
    print(format_table(report.baseline.items()))
    print("\nengine, per tag")
    print(format_table(report.per_tag.items()))
    print(
        "\nP@1: first match accepted; R@3: accepted orgs in the top 3 / min(3, accepted);"
        " MRR: mean 1/rank of the first accepted; abstain: off-topic cases with no match"
    )
    if args.misses:
        print("\nmisses (first match not accepted, or a match for an off-topic text)")
        for case, ranked in report.misses:
            print(f"  {case.id}: {case.text!r} accept={case.accept} got={ranked[:4]}")
    return 0
