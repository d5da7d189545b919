"""All models, imported here so that `Base.metadata` knows every table (Alembic relies on it).

Add a module per area and import its classes below.
"""

from bot.db.base import Base
from bot.db.models.broadcasts import Broadcast
from bot.db.models.datasync import DataVersion
from bot.db.models.employers import Invitation, Representative
from bot.db.models.fsm import FsmRecord
from bot.db.models.leads import LeadOpening, RepresentativeDigest
from bot.db.models.organisers import AuditEntry, Organiser
from bot.db.models.outbox import OutboxMessage
from bot.db.models.schedule import (
    Reminder,
    ReminderPreference,
    ScheduledSession,
    SessionSubscription,
)
from bot.db.models.students import ContactShare, StudentMatch, StudentProfile, StudentTopic
from bot.db.models.updates import ProcessedUpdate
from bot.db.models.users import User

__all__ = [
    "AuditEntry",
    "Base",
    "Broadcast",
    "ContactShare",
    "DataVersion",
    "FsmRecord",
    "Invitation",
    "LeadOpening",
    "Organiser",
    "OutboxMessage",
    "ProcessedUpdate",
    "Reminder",
    "ReminderPreference",
    "Representative",
    "RepresentativeDigest",
    "ScheduledSession",
    "SessionSubscription",
    "StudentMatch",
    "StudentProfile",
    "StudentTopic",
    "User",
]
