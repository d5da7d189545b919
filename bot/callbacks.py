"""CallbackData factories: what inline buttons carry (short prefixes, 64-byte limit).

Callback data is untrusted input: handlers re-check ownership and state in the services.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class AudienceChoice(CallbackData, prefix="ba"):
    """A broadcast audience: a kind (bot.services.audiences), and its value once chosen."""

    kind: str
    value: str = ""


class BroadcastAction(CallbackData, prefix="bc"):
    """ok (send the draft), edit, drop (the draft), stop (a broadcast that is sending)."""

    action: str
    id: int


class OrganiserAction(CallbackData, prefix="og"):
    """rm: take the organiser role away from `user_id`."""

    action: str
    user_id: int
