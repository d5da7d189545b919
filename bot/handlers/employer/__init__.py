"""The employer side of the bot: representatives of exhibiting organisations.

`join` takes invitation links (/start <token>) from anyone; every other module serves
representatives only: `menu` puts `filters.IsRepresentative()` on its router, which hands its
handlers `employer: Employer` (their user id and organisation); `leads` checks the caller in the
service (`leads.representative`) and looks leads up only within their organisation. Anyone
else's commands and buttons, forged ones included, pass by to the routers after this one and
end in the common fallback ("unknown command", "this button is no longer valid").
"""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers.employer import join, leads, menu


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.include_routers(
        join.create_router(),
        menu.create_router(),
        leads.create_router(),
    )
    return router
