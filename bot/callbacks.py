"""CallbackData factories: what inline buttons carry (short prefixes, 64-byte limit).

Callback data is untrusted input: handlers re-check ownership and state in the services.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lg"):
    """A language button: on the first screen, and under /language."""

    lang: str


class ConsentChoice(CallbackData, prefix="cs"):
    agree: bool


class OnboardingAction(CallbackData, prefix="ob"):
    """A button that answers the current onboarding step: "tg-name", "skip-text", ..."""

    action: str


class StudyLevelChoice(CallbackData, prefix="sl"):
    degree: str  # bachelor | master | phd | other
    year: int  # 0 when not given


class TopicPick(CallbackData, prefix="tp"):
    """The topic picker: toggle a topic, turn a page, or finish."""

    action: str  # "t" toggle, "p" page, "done"
    topic: str = ""
    page: int = 0


class SeekingPick(CallbackData, prefix="sk"):
    kind: str  # an opening kind, or "done"


class ProfileEdit(CallbackData, prefix="pe"):
    field: str


class MatchAction(CallbackData, prefix="m"):
    """A button on a match card. `action`: share, yes/no (feedback question), cancel, withdraw,
    hide, unhide, more, less."""

    action: str
    org: str


class PrivacyAction(CallbackData, prefix="pv"):
    """/privacy and /delete_me: withdraw a share, confirm or keep on deletion."""

    action: str  # withdraw | delete | keep
    org: str = ""


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


class RepresentativeAction(CallbackData, prefix="rv"):
    """/representatives: revoke a representative ("u", `id` = their user id) or an open
    invitation ("i", `id` = the invitation's id)."""

    action: str
    id: int


class LeadsPage(CallbackData, prefix="lp"):
    """A page of /leads: the filter (status, opening index in the organisation's openings; ""
    and -1 for all), and the lead id at the edge of the page shown (older: the last one, newer:
    the first one; 0 for the first page). `p` is the page number to show."""

    s: str = ""
    o: int = -1
    older: int = 0
    newer: int = 0
    p: int = 1


class LeadsFilter(CallbackData, prefix="lf"):
    """Open the status ("s") or opening ("o") choices of /leads, keeping the other filter."""

    kind: str
    s: str = ""
    o: int = -1


class LeadAction(CallbackData, prefix="la"):
    """On a lead: open it, set its status (`v`), or write its note. `s`/`o`: the list's filter,
    to go back to."""

    id: int
    a: str  # open | st | note
    v: str = ""
    s: str = ""
    o: int = -1
