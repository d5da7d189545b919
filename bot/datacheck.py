"""`fairbot check-data`: validates every data file organisers edit, reporting all problems."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.schedule.data import SESSIONS_FILE, check_schedule
from matching.catalogue import check_catalogue
from matching.datafiles import DataProblem

# A validator checks its files in the data directory and returns its problems plus, when there
# are none, a few words for the summary line ("48 topics"). Add one per data file family.
Validator = Callable[[Path], tuple[list[DataProblem], list[str]]]


def _catalogue(data_dir: Path) -> tuple[list[DataProblem], list[str]]:
    catalogue, problems = check_catalogue(data_dir)
    if catalogue is None:
        return problems, []
    return problems, [
        f"{len(catalogue.topics)} topics",
        f"{len(catalogue.exhibitors)} exhibitors",
        f"{len(catalogue.off_domain)} off-domain fields",
    ]


def _schedule(data_dir: Path) -> tuple[list[DataProblem], list[str]]:
    # The exhibitors of sessions are cross-checked only against a valid catalogue.
    catalogue, _ = check_catalogue(data_dir)
    slugs = set(catalogue.exhibitors) if catalogue is not None else None
    schedule, problems = check_schedule(data_dir, slugs)
    if schedule is None:
        return problems, []
    if not (data_dir / SESSIONS_FILE).exists():
        return problems, [f"no {SESSIONS_FILE} (no schedule)"]
    return problems, [f"{len(schedule.sessions)} sessions"]


VALIDATORS: list[Validator] = [_catalogue, _schedule]


def collect_problems(data_dir: Path) -> list[DataProblem]:
    """Every problem in every data file of `data_dir` (empty when all is valid)."""
    return [problem for validate in VALIDATORS for problem in validate(data_dir)[0]]


def default_data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR") or "data")


def check_data(args: argparse.Namespace) -> int:
    data_dir = Path(args.dir) if args.dir else default_data_dir()
    if not data_dir.is_dir():
        print(f"{data_dir}: not a directory", file=sys.stderr)
        return 1
    problems: list[DataProblem] = []
    summary: list[str] = []
    for validate in VALIDATORS:
        found, words = validate(data_dir)
        problems += found
        summary += words
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    print("ok: " + ", ".join(summary))
    return 0
