"""Organisers invite employers' representatives (/invite) and see or revoke them
(/representatives)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMyCommands,
    EditMessageText,
    SendMessage,
    SendPhoto,
)
from aiogram.types import (
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import RepresentativeAction
from bot.clock import Clock
from bot.config import Settings
from bot.db.models import Invitation
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.i18n import Translate
from bot.middlewares import Replies
from bot.services import invites
from bot.services.fairdata import FairDataStore
from bot.services.lead_cards import org_name

KIND_REVOKED = "employer-revoked"


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(invite, Command("invite"))
    router.message.register(show_representatives, Command("representatives"))
    router.callback_query.register(revoke, RepresentativeAction.filter())
    return router


def _when(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")


def _slugs(fair: FairDataStore) -> str:
    return ", ".join(sorted(fair.current.catalogue.exhibitors))


async def invite(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    fair: FairDataStore,
    clock: Clock,
    t: Translate,
    lang: str,
    replies: Replies,
) -> SendMessage | None:
    assert message.from_user is not None
    slug = (command.args or "").strip()
    if not slug:
        return message.answer(t("invite-ask-org", orgs=_slugs(fair)))
    catalogue = fair.current.catalogue
    try:
        made = await invites.create_invitation(
            session, slug, organisations=catalogue.exhibitors, created_by=message.from_user.id,
            ttl=timedelta(days=settings.invite_ttl_days), now=clock.now(),
        )  # fmt: skip
    except invites.UnknownOrganisation:
        return message.answer(t("invite-unknown-org", slug=slug, orgs=_slugs(fair)))
    me = await bot.me()
    link = made.link(me.username or "")
    name = org_name(catalogue, lang, slug)
    expires = _when(made.invitation.expires_at, settings)
    replies.add(
        message.answer(t("invite-created", org=name, link=link, expires=expires, slug=slug))
    )
    png = invites.qr_png(link)
    replies.add(
        SendPhoto(
            chat_id=message.chat.id,
            photo=BufferedInputFile(png, filename=f"invite-{slug}.png"),
            caption=t("invite-qr-caption", org=name),
        )
    )
    return None


async def _org_screen(
    session: AsyncSession, org: str, settings: Settings, fair: FairDataStore, t: Translate,
    lang: str, now: datetime,
) -> tuple[str, InlineKeyboardMarkup | None]:  # fmt: skip
    people = await invites.representatives(session, org)
    open_ = await invites.open_invitations(session, org, now=now)
    lines = [t("reps-title", org=org_name(fair.current.catalogue, lang, org))]
    lines.append(t("reps-people") if people else t("reps-no-people"))
    lines += [t("reps-person", id=str(p.user_id), since=_when(p.since, settings)) for p in people]
    lines.append(t("reps-invitations") if open_ else t("reps-no-invitations"))
    lines += [
        t("reps-invitation", id=str(i.id), made=_when(i.created_at, settings),
          expires=_when(i.expires_at, settings))
        for i in open_
    ]  # fmt: skip
    buttons = [
        [InlineKeyboardButton(
            text=t("reps-revoke-person", id=str(p.user_id)),
            callback_data=RepresentativeAction(action="u", id=p.user_id).pack(),
        )]
        for p in people
    ] + [
        [InlineKeyboardButton(
            text=t("reps-revoke-invitation", id=str(i.id)),
            callback_data=RepresentativeAction(action="i", id=i.id).pack(),
        )]
        for i in open_
    ]  # fmt: skip
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None


async def show_representatives(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    settings: Settings,
    fair: FairDataStore,
    clock: Clock,
    t: Translate,
    lang: str,
) -> SendMessage:
    slug = (command.args or "").strip()
    catalogue = fair.current.catalogue
    now = clock.now()
    if slug:
        if slug not in catalogue.exhibitors:
            return message.answer(t("invite-unknown-org", slug=slug, orgs=_slugs(fair)))
        text, markup = await _org_screen(session, slug, settings, fair, t, lang, now)
        return message.answer(text, reply_markup=markup)
    people = await invites.representatives(session)
    open_ = await invites.open_invitations(session, now=now)
    orgs = sorted({p.org for p in people} | {i.org for i in open_})
    if not orgs:
        return message.answer(t("reps-overview-empty"))
    lines = [t("reps-overview-title")] + [
        t("reps-overview-line", org=org_name(catalogue, lang, org), slug=org,
          reps=sum(p.org == org for p in people), invitations=sum(i.org == org for i in open_))
        for org in orgs
    ] + [t("reps-overview-hint")]  # fmt: skip
    return message.answer("\n".join(lines))


async def revoke(
    callback: CallbackQuery,
    callback_data: RepresentativeAction,
    session: AsyncSession,
    settings: Settings,
    fair: FairDataStore,
    clock: Clock,
    t: Translate,
    lang: str,
    replies: Replies,
) -> AnswerCallbackQuery:
    """Only organisers get here (the router's filter); the ids are still checked against the
    database, so a stale button changes nothing."""
    actor, now, target = callback.from_user.id, clock.now(), callback_data.id
    org: str | None
    if callback_data.action == "u":
        org = await invites.representative_org(session, target)
        done = org is not None and await invites.revoke_representative(
            session, org, target, actor_id=actor, now=now
        )
        if done and org is not None:
            await _tell_revoked(session, target, org, fair, t, now)
            replies.add(DeleteMyCommands(scope=BotCommandScopeChat(chat_id=target)))
        notice = "reps-person-revoked"
    elif callback_data.action == "i":
        org = await session.scalar(select(Invitation.org_slug).where(Invitation.id == target))
        done = org is not None and await invites.revoke_invitation(
            session, org, target, actor_id=actor, now=now
        )
        notice = "reps-invitation-revoked"
    else:
        return callback.answer(t("callback-stale"), show_alert=True)
    if not done or org is None:
        return callback.answer(t("reps-stale"), show_alert=True)
    if callback.message is not None:
        text, markup = await _org_screen(session, org, settings, fair, t, lang, now)
        replies.add(
            EditMessageText(
                text=text, chat_id=callback.from_user.id,
                message_id=callback.message.message_id, reply_markup=markup,
            )
        )  # fmt: skip
    return callback.answer(t(notice, id=str(target)))


async def _tell_revoked(
    session: AsyncSession, user_id: int, org: str, fair: FairDataStore, t: Translate, now: datetime
) -> None:
    """The removed representative learns it (in their language) through the outbox."""
    translator = t.translator
    language = await invites.person_language(session, user_id)
    lang = language if language in translator.languages else translator.default
    name = org_name(fair.current.catalogue, lang, org)
    text = translator.get(lang, "employer-revoked", org=name)
    await enqueue(
        session,
        [Outgoing(user_id, {"method": "sendMessage", "text": text, "parse_mode": "HTML"})],
        kind=KIND_REVOKED, ref=org, priority=Priority.NOTIFICATION, now=now,
    )  # fmt: skip
