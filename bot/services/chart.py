"""The statistics chart as a PNG: what it shows (`ChartSpec`, every text already translated) and
how it is drawn (matplotlib, off-screen), in this process or in a short-lived child process.

The bot draws in a child process (`draw_apart`): matplotlib and a drawn figure add about 45 MB
to a process, which the bot would then keep for good (memory freed by Python is rarely given
back); the child gives it back when it exits. This module imports only the standard library, so
that the child starts quickly (`python -m bot.services.chart`: a spec as JSON on stdin, the PNG
on stdout).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

DRAW_TIMEOUT = 60.0  # seconds; a child that takes longer is killed


class ChartError(Exception):
    """The child process could not draw the chart."""


@dataclass(frozen=True)
class Bars:
    title: str
    labels: list[str]
    values: list[int]


@dataclass(frozen=True)
class ChartSpec:
    """Everything the chart shows, as plain text and numbers (JSON-serialisable)."""

    title: str
    per_day: Bars
    orgs_title: str
    org_names: list[str]
    matches_label: str
    matches: list[int]
    contacts_label: str
    contacts: list[int]
    topics: Bars
    delivery: Bars

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ChartSpec:
        data: dict[str, Any] = json.loads(text)
        for name in ("per_day", "topics", "delivery"):
            data[name] = Bars(**data[name])
        return cls(**data)


DELIVERY_COLOURS = ["#4aa564", "#d64545", "#888888", "#3b7dd8"]  # sent, failed, blocked, left


def draw(spec: ChartSpec) -> bytes:
    """A 2x2 PNG, 1200x800: registrations per day, matches and contacts per organisation, top
    interests, broadcast delivery. CPU work of about a quarter of a second."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    days, orgs, topics, delivery = figure.subplots(2, 2).flat

    days.bar(spec.per_day.labels, spec.per_day.values, color="#3b7dd8")
    days.set_title(spec.per_day.title, fontsize=11)
    days.tick_params(axis="x", labelrotation=60, labelsize=8)

    names = spec.org_names[::-1]
    positions = range(len(names))
    orgs.barh([p + 0.2 for p in positions], spec.matches[::-1], height=0.4,
              label=spec.matches_label, color="#3b7dd8")  # fmt: skip
    orgs.barh([p - 0.2 for p in positions], spec.contacts[::-1], height=0.4,
              label=spec.contacts_label, color="#e8913a")  # fmt: skip
    orgs.set_yticks(list(positions), names, fontsize=7)
    orgs.set_title(spec.orgs_title, fontsize=11)
    if names:
        orgs.legend(fontsize=8, loc="best")

    topics.barh(spec.topics.labels[::-1], spec.topics.values[::-1], color="#4aa564")
    topics.set_title(spec.topics.title, fontsize=11)
    topics.tick_params(axis="y", labelsize=8)

    colours = DELIVERY_COLOURS[: len(spec.delivery.labels)]
    delivery.barh(spec.delivery.labels[::-1], spec.delivery.values[::-1], color=colours[::-1])
    delivery.set_title(spec.delivery.title, fontsize=11)
    delivery.tick_params(axis="y", labelsize=9)

    figure.suptitle(spec.title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def draw_apart(spec: ChartSpec) -> bytes:
    """`draw(spec)` in a child process (see the module's docstring); raises ChartError."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with asyncio.timeout(DRAW_TIMEOUT):
            png, errors = await child.communicate(spec.to_json().encode())
    except BaseException:
        # Timed out, or cancelled (the bot is stopping): the child must not outlive the bot.
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        await child.wait()
        raise
    if child.returncode != 0 or not png.startswith(b"\x89PNG"):
        last = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ChartError(f"the chart process exited with {child.returncode}: {last[0]}")
    return png


def main() -> int:
    spec = ChartSpec.from_json(sys.stdin.read())
    sys.stdout.buffer.write(draw(spec))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
