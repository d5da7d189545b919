"""Texts and keyboards of the representatives' lead screens (list, filters, card).

Everything a student or a representative wrote goes through the translator as an argument, so
it is HTML-escaped; only text built here from translated messages is passed on as `safe(...)`.
"""

from __future__ import annotations

from datetime import tzinfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import LeadAction, LeadsFilter, LeadsPage
from bot.i18n import SafeHtml, Translate, safe
from bot.services.leads import PAGE_SIZE, STATUSES, LeadCard, LeadFilter, LeadLine, LeadPage
from matching.catalogue import Catalogue, Opening

LINE_NAME, LINE_DETAILS = 60, 120  # characters of a list line's parts: 8 lines stay < 4096

ICONS = {"new": "🆕", "contacted": "📞", "interview": "🗓", "offer": "🎉", "not_a_fit": "✖️"}
BUTTON_NAME = 28  # characters of a name on a button


def openings(catalogue: Catalogue | None, org: str) -> list[Opening]:
    """The organisation's openings in the data in force; filters carry an index into it."""
    if catalogue is None or org not in catalogue.exhibitors:
        return []
    return list(catalogue.exhibitors[org].openings)


def lead_filter(catalogue: Catalogue | None, org: str, status: str, opening: int) -> LeadFilter:
    """The filter of a button: an unknown status or opening index means "all"."""
    choices = openings(catalogue, org)
    return LeadFilter(
        status=status if status in STATUSES else None,
        opening=choices[opening].id if 0 <= opening < len(choices) else None,
    )


def _lang(t: Translate) -> str:
    return t.lang if t.lang in ("en", "ru", "kk") else "en"


def opening_title(catalogue: Catalogue | None, org: str, opening_id: str, t: Translate) -> str:
    for opening in openings(catalogue, org):
        if opening.id == opening_id:
            return opening.title.get(_lang(t))  # type: ignore[arg-type]
    return opening_id


def org_name(catalogue: Catalogue | None, org: str, t: Translate) -> str:
    if catalogue is None or org not in catalogue.exhibitors:
        return org
    return catalogue.exhibitors[org].name.get(_lang(t))  # type: ignore[arg-type]


def status_label(t: Translate, status: str) -> str:
    return f"{ICONS.get(status, '')} {t(f'lead-status-{status}')}".strip()


def level(t: Translate, degree: str | None, year: int | None) -> str:
    if degree is None:
        return ""
    return t(f"level-{degree}", year=year) if year else t(f"level-{degree}-any")


def _details(t: Translate, lead: LeadLine | LeadCard) -> str:
    parts = [lead.university, level(t, lead.degree, lead.study_year), lead.field]
    return ", ".join(p for p in parts if p) or "—"


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def leads_list(
    t: Translate,
    catalogue: Catalogue | None,
    org: str,
    page: LeadPage,
    flt: LeadFilter,
    status: str,
    opening: int,
) -> tuple[str, InlineKeyboardMarkup]:
    status_text = status_label(t, flt.status) if flt.status else t("leads-filter-all")
    opening_text = (
        opening_title(catalogue, org, flt.opening, t) if flt.opening else t("leads-filter-all")
    )
    head = [
        t("leads-title", org=org_name(catalogue, org, t), total=page.total),
        t("leads-filter-line", status=status_text, opening=opening_text),
    ]
    if page.total > len(page.leads):
        head.append(t("leads-page", page=page.page, pages=page.pages))
    first = (page.page - 1) * PAGE_SIZE + 1  # numbers as the person counts them
    lines = [
        t(
            "leads-line",
            n=first + i,
            name=short(lead.name or "—", LINE_NAME),
            details=short(_details(t, lead), LINE_DETAILS),
            score=lead.percent,
            status=status_label(t, lead.status),
        )
        for i, lead in enumerate(page.leads)
    ]
    if not page.leads:
        lines = [t("leads-empty-filter" if flt.status or flt.opening else "leads-empty")]
    text = "\n".join(head) + "\n\n" + "\n".join(lines)

    rows: list[list[InlineKeyboardButton]] = []
    buttons = [
        InlineKeyboardButton(
            text=f"{first + i}. {(lead.name or '—')[:BUTTON_NAME]}",
            callback_data=LeadAction(id=lead.id, a="open", s=status, o=opening).pack(),
        )
        for i, lead in enumerate(page.leads)
    ]
    rows.extend(buttons[i : i + 2] for i in range(0, len(buttons), 2))
    nav = []
    if page.newer and page.leads:
        nav.append(
            InlineKeyboardButton(
                text=t("leads-newer"),
                callback_data=LeadsPage(
                    s=status, o=opening, newer=page.leads[0].id, p=max(page.page - 1, 1)
                ).pack(),
            )
        )
    if page.older and page.leads:
        nav.append(
            InlineKeyboardButton(
                text=t("leads-older"),
                callback_data=LeadsPage(
                    s=status, o=opening, older=page.leads[-1].id, p=page.page + 1
                ).pack(),
            )
        )
    if nav:
        rows.append(nav)
    filters = [
        InlineKeyboardButton(
            text=t("leads-filter-status", status=status_text),
            callback_data=LeadsFilter(kind="s", s=status, o=opening).pack(),
        )
    ]
    if openings(catalogue, org):
        filters.append(
            InlineKeyboardButton(
                text=t("leads-filter-opening", opening=opening_text[:BUTTON_NAME]),
                callback_data=LeadsFilter(kind="o", s=status, o=opening).pack(),
            )
        )
    rows.append(filters)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def filter_choices(
    t: Translate, catalogue: Catalogue | None, org: str, kind: str, status: str, opening: int
) -> InlineKeyboardMarkup:
    """The choices of one filter; each is the first page with that filter."""
    rows: list[list[InlineKeyboardButton]] = []
    if kind == "s":
        rows.append(
            [InlineKeyboardButton(text=t("leads-filter-all"),
                                  callback_data=LeadsPage(s="", o=opening).pack())]
        )  # fmt: skip
        rows.extend(
            [InlineKeyboardButton(text=status_label(t, value),
                                  callback_data=LeadsPage(s=value, o=opening).pack())]
            for value in STATUSES
        )  # fmt: skip
    else:
        rows.append(
            [InlineKeyboardButton(text=t("leads-filter-all"),
                                  callback_data=LeadsPage(s=status, o=-1).pack())]
        )  # fmt: skip
        rows.extend(
            [InlineKeyboardButton(text=item.title.get(_lang(t))[:60],  # type: ignore[arg-type]
                                  callback_data=LeadsPage(s=status, o=index).pack())]
            for index, item in enumerate(openings(catalogue, org))
        )  # fmt: skip
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _kinds(t: Translate, chosen: tuple[str, ...]) -> str:
    return ", ".join(t(f"kind-{kind}") for kind in chosen)


def lead_card(
    t: Translate,
    catalogue: Catalogue | None,
    org: str,
    card: LeadCard,
    zone: tzinfo,
    status: str,
    opening: int,
) -> tuple[str, InlineKeyboardMarkup]:
    titles = ", ".join(opening_title(catalogue, org, o, t) for o in card.openings)
    parts: list[str] = [
        t(
            "lead-card",
            name=card.name or "—",
            details=_details(t, card),
            interests=card.interests or "—",
            seeking=_kinds(t, card.seeking) or "—",
            score=card.percent,
            openings=titles or "—",
            phone=card.phone or "—",
            email=card.email or "—",
            shared=card.created_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
            status=status_label(t, card.status),
        )
    ]
    if card.note:
        parts.append(t("lead-card-note", note=card.note))
    text: SafeHtml = safe("\n\n".join(parts))
    marks = [
        InlineKeyboardButton(
            text=("• " if value == card.status else "") + status_label(t, value),
            callback_data=LeadAction(id=card.id, a="st", v=value, s=status, o=opening).pack(),
        )
        for value in STATUSES
    ]
    rows = [marks[:3], marks[3:]]
    # A mention by id (the student may have no username); Telegram opens their profile.
    rows.append(
        [InlineKeyboardButton(text=t("lead-open-profile"), url=f"tg://user?id={card.user_id}")]
    )
    rows.append(
        [
            InlineKeyboardButton(
                text=t("lead-note-button-edit" if card.note else "lead-note-button-add"),
                callback_data=LeadAction(id=card.id, a="note", s=status, o=opening).pack(),
            )
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                text=t("lead-back"), callback_data=LeadsPage(s=status, o=opening).pack()
            )
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)
