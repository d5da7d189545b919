"""Fair statistics shown to people: the text of /stats (and `fairbot stats`) and its chart, a PNG
drawn with matplotlib off-screen (Agg), in the reader's language."""

from __future__ import annotations

import html
import re
import textwrap
from zoneinfo import ZoneInfo

from bot.i18n import Translate
from bot.services.broadcasts import BroadcastSummary
from bot.services.chart import Bars, ChartSpec, draw
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


def chart_spec(
    t: Translate,
    stats: FairStats,
    names: Labels | None = None,
) -> ChartSpec:
    """What the chart shows, in the reader's language (drawn by `bot.services.chart`)."""
    names = names or Labels()

    def title(key: str) -> str:
        return _wrap(plain(t(key)), 40)

    totals = dict(stats.delivery)
    totals["failed"] = totals.get("failed", 0) + totals.get("expired", 0)
    totals["left"] = totals.get("pending", 0) + totals.get("sending", 0)
    parts = ("sent", "failed", "blocked", "left")
    return ChartSpec(
        title=plain(t("stats-chart-caption", when=local_time(stats))),
        per_day=Bars(
            title("stats-chart-per-day"),
            [d.day.strftime("%m-%d") for d in stats.per_day],
            [d.count for d in stats.per_day],
        ),
        orgs_title=title("stats-chart-orgs"),
        org_names=[_wrap(names.organisation(o.org)) for o in stats.per_org],
        matches_label=plain(t("stats-chart-matches")),
        matches=[o.matches for o in stats.per_org],
        contacts_label=plain(t("stats-chart-contacts")),
        contacts=[o.contacts for o in stats.per_org],
        topics=Bars(
            title("stats-chart-topics"),
            [_wrap(names.topic(x.topic)) for x in stats.topics],
            [x.students for x in stats.topics],
        ),
        delivery=Bars(
            title("stats-chart-delivery"),
            [plain(t(f"stats-chart-{key}")) for key in parts],
            [totals.get(key, 0) for key in parts],
        ),
    )


def stats_chart(
    t: Translate,
    stats: FairStats,
    names: Labels | None = None,
) -> bytes:
    """The chart as a PNG, drawn in this process (`fairbot stats --chart`, tests). The bot
    draws it apart: `bot.services.chart.draw_apart(chart_spec(...))`."""
    return draw(chart_spec(t, stats, names))
