"""The `fairbot` entry point answers --help and reports unknown commands."""

import subprocess
import sys


def test_help_lists_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    assert "run" in out.stdout


def test_no_command_prints_usage_and_fails() -> None:
    out = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "usage: fairbot" in out.stdout
