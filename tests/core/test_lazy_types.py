"""aiogram's types, built on first use (bot.lazy_types), are the models aiogram builds eagerly.

Each check runs in a fresh interpreter: whether the types are lazy depends on what was imported
first, and the test process imported aiogram long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Builds every model of aiogram.types and aiogram.methods, and Response[...] of every method's
# result, each from a call a few frames deep (as in a running bot), then prints a digest of
# their JSON schemas and the process's resident memory before and after.
SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    def rss():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    from bot import lazy_types
    if sys.argv[1] == "lazy":
        lazy_types.install()
    import aiogram.methods as methods
    import aiogram.types as types
    from pydantic import BaseModel
    imported = rss()
    def models(module):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseModel):
                yield name, value
    digest = hashlib.sha256()
    def build(name, model):
        try:
            schema = model.model_json_schema(mode="validation")
        except Exception:  # a field of a type JSON Schema cannot express: its fields instead
            schema = {key: repr(field.annotation) for key, field in model.model_fields.items()}
            model.__pydantic_validator__.validate_python  # built all the same
        digest.update(name.encode() + json.dumps(schema, sort_keys=True, default=str).encode())
    built = 0
    for module in (types, methods):
        for name, model in models(module):
            if getattr(model, "__pydantic_generic_metadata__", {}).get("parameters"):
                continue  # an open generic (Response[T]): built below, parametrised
            build(name, model)
            built += 1
    for name, method in models(methods):
        returning = getattr(method, "__returning__", None)
        if returning is not None and name != "TelegramMethod":
            response = methods.Response[returning]
            response.model_validate({"ok": False, "error_code": 400, "description": "x"})
    print(json.dumps({"lazy": lazy_types.installed, "built": built,
                      "digest": digest.hexdigest(), "imported_mb": imported}))
    """
)


def _run(*modes: str) -> list[dict[str, object]]:
    """Run SCRIPT once per mode, at the same time (each takes ~15 s of one core)."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-W", "ignore", "-c", SCRIPT, mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in modes
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_every_type_and_method_builds_lazily_into_the_same_models() -> None:
    lazy, eager = _run("lazy", "eager")
    assert lazy["lazy"] is True
    assert eager["lazy"] is False
    assert lazy["built"] == eager["built"]
    assert int(str(lazy["built"])) > 400
    assert lazy["digest"] == eager["digest"]
    # What it is for: importing the types without building them saves most of their memory.
    assert float(str(eager["imported_mb"])) - float(str(lazy["imported_mb"])) > 50


def test_the_fairbot_command_imports_the_types_lazily(tmp_path: Path) -> None:
    """A command of the bot stack (`fairbot db upgrade`) installs the lazy types; the types are
    usable after it, and none of them was built that was not used."""
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "code = main(['db', 'upgrade'])\n"
        "import bot.lazy_types as lazy, aiogram.types as types\n"
        "print(code, lazy.installed, types.Message.__pydantic_complete__)\n"
        "types.Message.model_validate("
        "{'message_id': 1, 'date': 0, 'chat': {'id': 1, 'type': 'private'}, 'text': 'hi'})\n"
        "print(types.Message.__pydantic_complete__)\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["0", "True", "False", "True"]


def test_this_test_run_uses_the_lazy_types_too() -> None:
    # tests/__init__.py installs them before conftest imports aiogram: the in-process tests run
    # the bot with its types built on first use, as `fairbot run` does.
    import aiogram.types

    from bot import lazy_types

    assert lazy_types.installed
    assert not aiogram.types.PassportData.__pydantic_complete__  # nothing here parses one
