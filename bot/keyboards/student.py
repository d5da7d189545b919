"""The student's keyboards: language, consent, onboarding steps, match cards, profile, privacy."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.callbacks import (
    ConsentChoice,
    LanguageChoice,
    MatchAction,
    OnboardingAction,
    PrivacyAction,
    ProfileEdit,
    SeekingPick,
    StudyLevelChoice,
    TopicPick,
)
from bot.i18n import Translate
from matching.catalogue import OPENING_KINDS, Catalogue, Lang

LANGUAGE_LABELS: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
TOPICS_PER_PAGE = 8
BUTTON_TEXT_MAX = 60  # longer labels are cut: Telegram shows little of them anyway

PROFILE_FIELDS: tuple[str, ...] = (
    "full_name", "university", "study_level", "field_of_study", "interests", "topics",
    "seeking", "phone", "email", "cv",
)  # fmt: skip


def _label(t: Translate, key: str, **args: object) -> str:
    """A translated button label: buttons are plain text, so undo the HTML escaping."""
    return html.unescape(t(key, **args))


def _button(text: str, data: str) -> InlineKeyboardButton:
    if len(text) > BUTTON_TEXT_MAX:
        text = text[: BUTTON_TEXT_MAX - 1] + "…"
    return InlineKeyboardButton(text=text, callback_data=data)


def _mark(text: str, on: bool) -> str:
    return f"✓ {text}" if on else text


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def languages(current: str | None) -> InlineKeyboardMarkup:
    buttons = [
        _button(_mark(label, lang == current), LanguageChoice(lang=lang).pack())
        for lang, label in LANGUAGE_LABELS.items()
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


def consent(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_label(t, "consent-agree"), ConsentChoice(agree=True).pack())],
            [_button(_label(t, "consent-decline"), ConsentChoice(agree=False).pack())],
        ]
    )


def telegram_name(t: Translate, name: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_label(t, "name-use-telegram", name=name), _action("tg-name"))]]
    )


def _action(action: str) -> str:
    return OnboardingAction(action=action).pack()


def study_levels(t: Translate) -> InlineKeyboardMarkup:
    def level(degree: str, year: int) -> InlineKeyboardButton:
        label = (
            _label(t, f"level-{degree}", year=year) if year else _label(t, f"level-{degree}-any")
        )
        return _button(label, StudyLevelChoice(degree=degree, year=year).pack())

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [level("bachelor", 1), level("bachelor", 2)],
            [level("bachelor", 3), level("bachelor", 4)],
            [level("master", 1), level("master", 2)],
            [level("phd", 0), level("other", 0)],
        ]
    )


def interests(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_label(t, "interests-pick-instead"), _action("topics"))]]
    )


def topic_pages(catalogue: Catalogue) -> int:
    return max(1, -(-len(catalogue.topics) // TOPICS_PER_PAGE))


def topics(
    t: Translate, catalogue: Catalogue, lang: Lang, chosen: Collection[str], page: int
) -> InlineKeyboardMarkup:
    """One page of the taxonomy (file order keeps related topics together), ✓ on chosen ones."""
    pages = topic_pages(catalogue)
    page = min(max(page, 0), pages - 1)
    ids = list(catalogue.topics)[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
    buttons = [
        _button(
            _mark(catalogue.topics[tid].name.get(lang), tid in chosen),
            TopicPick(action="t", topic=tid, page=page).pack(),
        )
        for tid in ids
    ]
    rows = _rows(buttons, 2)
    nav = []
    if page > 0:
        nav.append(_button(_label(t, "page-previous"), TopicPick(action="p", page=page - 1).pack()))
    if page < pages - 1:
        nav.append(
            _button(
                _label(t, "page-next", page=page + 2, pages=pages),
                TopicPick(action="p", page=page + 1).pack(),
            )
        )
    if nav:
        rows.append(nav)
    rows.append([_button(_label(t, "topics-done"), TopicPick(action="done", page=page).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def seeking(t: Translate, chosen: Collection[str]) -> InlineKeyboardMarkup:
    buttons = [
        _button(_mark(_label(t, f"kind-{kind}"), kind in chosen), SeekingPick(kind=kind).pack())
        for kind in OPENING_KINDS
    ]
    rows = _rows(buttons, 2)
    rows.append([_button(_label(t, "seeking-done"), SeekingPick(kind="done").pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _reply(rows: list[list[KeyboardButton]]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def phone(t: Translate, *, can_remove: bool) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(text=_label(t, "phone-share"), request_contact=True)]]
    return _reply(rows + _skip_rows(t, can_remove))


def optional_step(t: Translate, *, can_remove: bool) -> ReplyKeyboardMarkup:
    return _reply(_skip_rows(t, can_remove))


def _skip_rows(t: Translate, can_remove: bool) -> list[list[KeyboardButton]]:
    row = [KeyboardButton(text=_label(t, "button-skip"))]
    if can_remove:
        row.append(KeyboardButton(text=_label(t, "button-remove")))
    return [row]


def match_card(
    t: Translate, org: str, org_name: str, *, shared: bool, full: bool
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if shared:
        rows.append(
            [_button(_label(t, "match-withdraw"), MatchAction(action="withdraw", org=org).pack())]
        )
    else:
        rows.append(
            [
                _button(
                    _label(t, "match-share", org=org_name),
                    MatchAction(action="share", org=org).pack(),
                )
            ]
        )
    rows.append(
        [
            _button(_label(t, "match-hide"), MatchAction(action="hide", org=org).pack()),
            _button(
                _label(t, "match-less") if full else _label(t, "match-more"),
                MatchAction(action="less" if full else "more", org=org).pack(),
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def share_question(t: Translate, org: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_label(t, "share-with-feedback"), MatchAction(action="yes", org=org).pack())],
            [
                _button(
                    _label(t, "share-without-feedback"), MatchAction(action="no", org=org).pack()
                )
            ],
            [_button(_label(t, "share-cancel"), MatchAction(action="cancel", org=org).pack())],
        ]
    )


def hidden_match(t: Translate, org: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_label(t, "match-unhide"), MatchAction(action="unhide", org=org).pack())]
        ]
    )


def no_matches(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_label(t, "no-matches-topics"), ProfileEdit(field="topics").pack())],
            [_button(_label(t, "no-matches-interests"), ProfileEdit(field="interests").pack())],
        ]
    )


def profile(t: Translate) -> InlineKeyboardMarkup:
    buttons = [
        _button(_label(t, f"edit-{field}"), ProfileEdit(field=field).pack())
        for field in PROFILE_FIELDS
    ]
    return InlineKeyboardMarkup(inline_keyboard=_rows(buttons, 2))


def shares(t: Translate, orgs: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """Withdraw buttons for (slug, name) of each organisation the student shares with."""
    if not orgs:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    _label(t, "privacy-withdraw", org=name),
                    PrivacyAction(action="withdraw", org=slug).pack(),
                )
            ]
            for slug, name in orgs
        ]
    )


def delete_confirmation(t: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_label(t, "delete-confirm"), PrivacyAction(action="delete").pack())],
            [_button(_label(t, "delete-keep"), PrivacyAction(action="keep").pack())],
        ]
    )
