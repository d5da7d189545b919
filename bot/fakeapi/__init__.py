"""A fake Telegram Bot API server with simulated users, for tests, benchmarks and the sandbox."""

from bot.fakeapi.errors import ApiError
from bot.fakeapi.faults import SENDING_METHODS, Fault, FaultPlan
from bot.fakeapi.recording import RecordedRequest, ServerStats, Upload
from bot.fakeapi.server import FakeTelegramServer, Timings
from bot.fakeapi.users import (
    Attachment,
    BotMessage,
    CallbackAnswer,
    InlineButton,
    NoReplyError,
    ReplyButton,
    Sent,
    SimUser,
)

__all__ = [
    "SENDING_METHODS",
    "ApiError",
    "Attachment",
    "BotMessage",
    "CallbackAnswer",
    "FakeTelegramServer",
    "Fault",
    "FaultPlan",
    "InlineButton",
    "NoReplyError",
    "RecordedRequest",
    "ReplyButton",
    "Sent",
    "ServerStats",
    "SimUser",
    "Timings",
    "Upload",
]
