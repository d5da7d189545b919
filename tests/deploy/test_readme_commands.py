"""Every fairbot command deploy/README.md tells an operator to type is one the CLI accepts."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from bot.cli import build_parser

README = Path(__file__).resolve().parents[2] / "deploy" / "README.md"
# `fairbot ...`, the `fb ...` shell function, `docker compose run [options] bot ...` (the image's
# entry point is fairbot), and the venv's fairbot.
_INVOCATION = re.compile(
    r"(?:/opt/fairbot/venv/bin/fairbot|^\s*fairbot|^\s*fb"
    r"|docker compose run --rm (?:--no-deps )?(?:-e \S+ )*bot)\s+(?P<args>[^`#|;&)>]*)"
)


def commands(text: str) -> list[str]:
    blocks = re.findall(r"```(?:sh|cron)?\n(.*?)```", text, flags=re.S)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    found = []
    for line in [*lines, *inline]:
        for match in _INVOCATION.finditer(line):
            args = match.group("args").strip()
            if args and "<" not in args and not args.startswith('"$@"'):
                found.append(args)
    return found


def test_the_readme_runs_the_main_commands() -> None:
    found = {" ".join(shlex.split(c)[:2]) for c in commands(README.read_text())}
    for expected in ("db upgrade", "db downgrade", "check-data", "stats", "--help"):
        assert any(c.startswith(expected) for c in found), f"README never shows {expected}"


@pytest.mark.parametrize("args", commands(README.read_text()))
def test_the_cli_accepts_it(args: str) -> None:
    parser = build_parser()
    argv = shlex.split(args)
    code: str | int | None = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            parsed = parser.parse_args(argv)
        except SystemExit as exit_:  # --help exits 0, a wrong command 2
            code, parsed = exit_.code, None
    assert code == 0, f"`fairbot {args}` is not a valid command"
    if parsed is not None:
        assert getattr(parsed, "handler", None) is not None, f"`fairbot {args}` runs nothing"
