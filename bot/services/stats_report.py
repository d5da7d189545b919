"""Fair statistics shown to people: the text of /stats (and `fairbot stats`) and its chart, a PNG
drawn with matplotlib off-screen (Agg), in the reader's language."""

from __future__ import annotations

import html
import io
import re
import textwrap
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translate
from bot.services.broadcasts import BroadcastSummary
from bot.services.labels import Labels
from bot.services.statistics import FairStats

DAYS_LISTED = 7  # the text lists the last week; the chart shows every day of the period
_TAG = re.compile(r"<[^>]+>")


def stats_text(
    t: Translate,
    stats: FairStats,
    names: Labels | None = None,
) -> str:
    """Telegram HTML; every name from data is escaped by the translator."""
    names = names or Labels()
    lines = [t("stats-title"), t("stats-students", total=stats.students, completed=stats.completed)]
    recent = stats.per_day[-DAYS_LISTED:]
    lines += ["", t("stats-per-day", days=len(recent))]
    lines += [t("stats-day", day=d.day.isoformat(), count=d.count) for d in recent]
    lines += ["", t("stats-orgs")]
    lines += [
        t("stats-org", org=names.organisation(o.org), matches=o.matches, contacts=o.contacts)
        for o in stats.per_org
    ] or [t("stats-none")]
    lines += ["", t("stats-topics")]
    lines += [
        t("stats-topic", topic=names.topic(x.topic), count=x.students) for x in stats.topics
    ] or [t("stats-none")]
    lines += ["", t("stats-broadcasts")]
    lines += [_broadcast_line(t, b) for b in stats.broadcasts] or [t("stats-none")]
    return "\n".join(lines)


def local_time(stats: FairStats) -> str:
    return stats.at.astimezone(ZoneInfo(stats.zone)).strftime("%Y-%m-%d %H:%M")


def _broadcast_line(t: Translate, summary: BroadcastSummary) -> str:
    counts = summary.counts
    audience = summary.audience_kind
    if summary.audience_value:
        audience += f":{summary.audience_value}"
    return t(
        "stats-broadcast",
        id=str(summary.id),
        audience=audience,
        sent=counts["sent"],
        failed=counts["failed"] + counts["expired"],
        blocked=counts["blocked"],
        left=counts.left,
    )


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


def _wrap(text: str, width: int = 32) -> str:
    return textwrap.fill(text, width) if len(text) > width else text


def stats_chart(
    t: Translate,
    stats: FairStats,
    names: Labels | None = None,
) -> bytes:
    """A 2x2 PNG: registrations per day, matches and contacts per organisation, top interests,
    broadcast delivery. Pure CPU work (about a quarter of a second): run it in a thread."""
    # Imported here: matplotlib takes a while to load, and only this needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = names or Labels()
    figure = Figure(figsize=(12, 8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    days, orgs, topics, delivery = figure.subplots(2, 2).flat

    def title(axes: Any, key: str) -> None:
        axes.set_title(_wrap(plain(t(key)), 40), fontsize=11)

    days.bar(
        [d.day.strftime("%m-%d") for d in stats.per_day],
        [d.count for d in stats.per_day],
        color="#3b7dd8",
    )
    title(days, "stats-chart-per-day")
    days.tick_params(axis="x", labelrotation=60, labelsize=8)

    org_names = [_wrap(names.organisation(o.org)) for o in stats.per_org][::-1]
    positions = range(len(org_names))
    orgs.barh(
        [p + 0.2 for p in positions],
        [o.matches for o in stats.per_org][::-1],
        height=0.4,
        label=plain(t("stats-chart-matches")),
        color="#3b7dd8",
    )
    orgs.barh(
        [p - 0.2 for p in positions],
        [o.contacts for o in stats.per_org][::-1],
        height=0.4,
        label=plain(t("stats-chart-contacts")),
        color="#e8913a",
    )
    orgs.set_yticks(list(positions), org_names, fontsize=7)
    title(orgs, "stats-chart-orgs")
    if org_names:
        orgs.legend(fontsize=8, loc="best")

    topics.barh(
        [_wrap(names.topic(x.topic)) for x in stats.topics][::-1],
        [x.students for x in stats.topics][::-1],
        color="#4aa564",
    )
    title(topics, "stats-chart-topics")
    topics.tick_params(axis="y", labelsize=8)

    parts = [
        ("sent", "#4aa564"),
        ("failed", "#d64545"),
        ("blocked", "#888888"),
        ("left", "#3b7dd8"),
    ]
    totals = dict(stats.delivery)
    totals["failed"] = totals.get("failed", 0) + totals.get("expired", 0)
    totals["left"] = totals.get("pending", 0) + totals.get("sending", 0)
    delivery.barh(
        [plain(t(f"stats-chart-{key}")) for key, _ in parts][::-1],
        [totals.get(key, 0) for key, _ in parts][::-1],
        color=[c for _, c in parts][::-1],
    )
    title(delivery, "stats-chart-delivery")
    delivery.tick_params(axis="y", labelsize=9)

    figure.suptitle(plain(t("stats-chart-caption", when=local_time(stats))))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
