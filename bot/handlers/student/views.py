"""Texts of the student's screens, put together from locale messages and the catalogue.

Everything a person or an organiser wrote goes through the translator as an argument, so it is
HTML-escaped; only text built here from translated messages is passed on as `safe(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.i18n import SafeHtml, Translate, safe
from bot.services.matches import MatchView
from bot.services.profiles import ProfileView
from bot.services.shares import ShareView
from matching.catalogue import Catalogue, Exhibitor, Lang, Opening

SHORT_DESCRIPTION = 220  # characters of "what it does" on a card; "More" shows everything
CARD_REASONS = 4


def lines(*parts: str | None) -> SafeHtml:
    """Paragraphs of already rendered HTML, empty ones left out."""
    return safe("\n\n".join(p for p in parts if p))


def topic_names(catalogue: Catalogue, lang: Lang, topics: Iterable[str]) -> str:
    names = [catalogue.topics[t].name.get(lang) for t in topics if t in catalogue.topics]
    return ", ".join(names)


def study_level(t: Translate, degree: str | None, year: int | None) -> str:
    if degree is None:
        return ""
    if year:
        return t(f"level-{degree}", year=year)
    return t(f"level-{degree}-any")


def kinds(t: Translate, chosen: Iterable[str]) -> str:
    return ", ".join(t(f"kind-{kind}") for kind in chosen)


def _or_dash(value: str | None) -> str:
    return value if value else "—"


def profile_card(t: Translate, catalogue: Catalogue, lang: Lang, profile: ProfileView) -> str:
    topics = topic_names(catalogue, lang, (*profile.picked_topics, *profile.text_topics))
    return t(
        "profile-card",
        name=_or_dash(profile.full_name),
        university=_or_dash(profile.university),
        level=safe(_or_dash(study_level(t, profile.degree, profile.study_year))),
        field=_or_dash(profile.field_of_study),
        interests=_or_dash(profile.interests),
        topics=_or_dash(topics),
        seeking=safe(_or_dash(kinds(t, profile.seeking))),
        phone=_or_dash(profile.phone),
        email=_or_dash(profile.email),
        cv=_or_dash(profile.cv_file_name),
    )


# --- matches ------------------------------------------------------------------------------------


def org_name(catalogue: Catalogue, lang: Lang, org: str) -> str:
    exhibitor = catalogue.exhibitors.get(org)
    return exhibitor.name.get(lang) if exhibitor is not None else org


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    if end > limit // 3:
        return cut[: end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + "…"


def reasons_text(match: MatchView, catalogue: Catalogue, lang: Lang, limit: int) -> str:
    rendered = []
    for reason in match.reasons:
        try:
            rendered.append(reason.render(lang, catalogue))
        except KeyError:  # a topic or exhibitor that a data reload removed
            continue
    return "; ".join(dict.fromkeys(rendered[:limit]))


def fitting_openings(exhibitor: Exhibitor, match: MatchView, *, every: bool) -> list[Opening]:
    """The engine's best openings; with `every`, all openings that share a topic with the
    student's evidence for this organisation."""
    by_id = {opening.id: opening for opening in exhibitor.openings}
    chosen = [by_id[i] for i in match.openings if i in by_id]
    if every:
        topics = match.reason_topics
        chosen += [
            o for o in exhibitor.openings if o not in chosen and topics.intersection(o.topics)
        ]
    return chosen


def _openings_block(t: Translate, openings: Sequence[Opening], lang: Lang) -> str:
    if not openings:
        return t("match-no-openings")
    items = "\n".join(
        t("match-opening", title=o.title.get(lang), kind=safe(t(f"kind-{o.kind}")))
        for o in openings
    )
    return lines(t("match-openings"), items).replace("\n\n", "\n")


def match_card(
    t: Translate, catalogue: Catalogue, lang: Lang, match: MatchView, *, full: bool = False
) -> str:
    exhibitor = catalogue.exhibitors.get(match.org)
    if exhibitor is None:  # gone from the data since the match was computed
        return t("match-gone", org=match.org)
    name = exhibitor.name.get(lang)
    description = exhibitor.description.get(lang)
    parts = [
        t("match-title", rank=match.rank, org=name, percent=match.percent),
        t("match-why", reasons=_or_dash(reasons_text(match, catalogue, lang, CARD_REASONS))),
        t(
            "match-about",
            text=description if full else _first_sentences(description, SHORT_DESCRIPTION),
        ),
        t("match-booth", booth=exhibitor.booth) if exhibitor.booth else t("match-booth-tba"),
    ]
    if full:
        parts.append(t("match-city", city=exhibitor.city.get(lang), url=exhibitor.website))
    parts.append(_openings_block(t, fitting_openings(exhibitor, match, every=full), lang))
    if match.shared:
        parts.append(t("match-shared", org=name))
    return lines(*parts)


def hidden_card(t: Translate, catalogue: Catalogue, lang: Lang, match: MatchView) -> str:
    return t("match-hidden", org=org_name(catalogue, lang, match.org))


def shares_text(t: Translate, catalogue: Catalogue, lang: Lang, shares: Sequence[ShareView]) -> str:
    if not shares:
        return t("privacy-no-shares")
    items = "\n".join(
        t(
            "privacy-share-item",
            org=org_name(catalogue, lang, s.org),
            feedback=safe(
                t("privacy-feedback-yes" if s.feedback_opt_in else "privacy-feedback-no")
            ),
        )
        for s in shares
    )
    return lines(t("privacy-shares"), items).replace("\n\n", "\n", 1)
