"""A terminal chat with whatever bot polls the fake server: what `fairbot sandbox` shows a person.

Wiring a bot to it (the bot long-polls the fake server in the same process)::

    async with FakeTelegramServer() as server:
        bot = server.make_bot()                   # or Bot(server.token, session=AiohttpSession(
        dispatcher = build_dispatcher(...)        #        api=server.api_server()))
        user = server.user("Aigerim", language_code="kk")
        await chat_in_terminal(server, dispatcher, bot, user)

Lines are sent as messages; lines starting with ":" are console commands (":help" lists them),
so answers such as "2" or "/start" are never mistaken for commands. "::text" sends ":text".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.fakeapi.markup import utf16_to_index
from bot.fakeapi.media import make_png
from bot.fakeapi.state import ChatEvent
from bot.fakeapi.users import BotMessage, NoReplyError, SimUser

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher

    from bot.fakeapi.server import FakeTelegramServer

HELP = (
    "Type a message and press Enter. :N presses button N of the newest message with buttons,\n"
    ":rN taps reply-keyboard button N, :contact [PHONE], :file PATH, :photo [PATH], :sticker,\n"
    ":voice, :save [DIR] keeps the bot's last file, :commands, :block, :unblock, :help, :quit.\n"
    "A message that starts with ':' is sent as '::...'."
)

_STYLE = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    "strikethrough": "9",
    "spoiler": "7",
    "code": "36",
    "pre": "36",
    "text_link": "4;34",
    "blockquote": "2",
    "expandable_blockquote": "2",
}


def render_text(
    text: str, entities: tuple[dict[str, Any], ...] | list[dict[str, Any]], *, color: bool
) -> str:
    """Plain text with Telegram entities shown: ANSI styles when `color`, link targets always."""
    if not entities:
        return text
    opens: dict[int, list[dict[str, Any]]] = {}
    closes: dict[int, list[dict[str, Any]]] = {}
    for entity in entities:
        start = utf16_to_index(text, entity["offset"])
        end = utf16_to_index(text, entity["offset"] + entity["length"])
        opens.setdefault(start, []).append(entity)
        closes.setdefault(end, []).append(entity)
    active: list[dict[str, Any]] = []
    out: list[str] = []
    for index in range(len(text) + 1):
        ended = closes.get(index, [])
        for entity in ended:
            if entity["type"] == "text_link":
                out.append(_ansi("0", color) + f" ({entity['url']})")
            active.remove(entity)
        started = opens.get(index, [])
        active.extend(started)
        if color and (ended or started):
            codes = [_STYLE[e["type"]] for e in active if e["type"] in _STYLE]
            out.append("\x1b[0m" + ("\x1b[" + ";".join(codes) + "m" if codes else ""))
        if index < len(text):
            out.append(text[index])
    return "".join(out)


def _read_file(argument: str) -> tuple[bytes, str]:
    path = Path(argument).expanduser()
    return path.read_bytes(), path.name


def _ansi(code: str, color: bool) -> str:
    return f"\x1b[{code}m" if color else ""


def _size(count: int) -> str:
    return f"{count} B" if count < 1024 else f"{count / 1024:.0f} KB"


def render_message(message: BotMessage, *, color: bool) -> list[str]:
    """A bot message as terminal lines: text, attachment, numbered inline buttons."""
    lines: list[str] = []
    attachment = message.attachment
    if attachment is not None:
        if message.kind == "photo":
            lines.append(
                f"[photo {attachment.width}×{attachment.height}, {_size(attachment.size)}]"
            )
        else:
            lines.append(f"[document {attachment.file_name or 'file'}, {_size(attachment.size)}]")
    elif message.kind not in ("text",):
        lines.append(f"[{message.kind}]")
    if message.body:
        lines.extend(render_text(message.body, message.entities, color=color).split("\n"))
    number = 0
    for row in message.inline_keyboard:
        cells = []
        for button in row:
            number += 1
            cell = f"[{number}] {button.text}"
            if button.url:
                cell += f" → {button.url}"
            cells.append(cell)
        lines.append("   ".join(cells))
    return lines


class TerminalChat:
    """The console's state: where it is in the chat, how it prints."""

    def __init__(
        self,
        server: FakeTelegramServer,
        user: SimUser,
        stdin: TextIO,
        stdout: TextIO,
        *,
        color: bool,
        reply_timeout: float,
        settle: float,
    ) -> None:
        self.server = server
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.color = color
        self.reply_timeout = reply_timeout
        self.settle = settle
        self.interactive = stdin.isatty()
        self.shown = 0  # events of the chat printed so far
        self.bot_name = user.account.first_name

    # -- output ------------------------------------------------------------------------------

    def say(self, line: str = "") -> None:
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def flush(self) -> None:
        """Print chat events not shown yet."""
        events = self.user.chat.events
        while self.shown < len(events):
            self._print_event(events[self.shown])
            self.shown += 1

    def _print_event(self, event: ChatEvent) -> None:
        dim = _ansi("2", self.color)
        reset = _ansi("0", self.color)
        bold = _ansi("1", self.color)
        if event.kind == "callback_answer" and event.answer is not None:
            if event.answer.text:
                kind = "alert" if event.answer.show_alert else "notice"
                self.say(f"  {dim}({kind}){reset} {event.answer.text}")
            return
        if event.kind == "deleted":
            self.say(f"{dim}(message #{event.message_id} deleted){reset}")
            return
        message = event.message
        if message is None:
            return
        label = (
            f"{self.bot_name} (edited #{message.message_id})"
            if event.kind == "edited"
            else self.bot_name
        )
        lines = render_message(message, color=self.color) or [""]
        self.say(f"{bold}{label}:{reset} {lines[0]}")
        for line in lines[1:]:
            self.say(f"    {line}")
        if message.reply_markup is not None and "keyboard" in message.reply_markup:
            self._print_reply_keyboard()
        elif message.reply_markup is not None and message.reply_markup.get("remove_keyboard"):
            self.say(f"    {dim}(keyboard removed){reset}")

    def _print_reply_keyboard(self) -> None:
        keyboard = self.user.reply_keyboard or []
        cells = []
        for number, button in enumerate((b for row in keyboard for b in row), start=1):
            extra = " ☎" if button.request_contact else ""
            cells.append(f"(r{number}) {button.text}{extra}")
        self.say(f"    keyboard: {'  '.join(cells)}")

    async def settle_replies(self, since: int) -> None:
        """Show the bot's reaction: wait for the first event, then until the chat is quiet."""
        chat = self.user.chat
        deadline = time.monotonic() + self.reply_timeout
        while len(chat.events) <= since and time.monotonic() < deadline:
            await chat.changed(deadline - time.monotonic())
        while True:
            self.flush()
            count = len(chat.events)
            await chat.changed(self.settle)
            if len(chat.events) == count:
                break
        self.flush()

    # -- input ------------------------------------------------------------------------------

    async def read_line(self) -> str | None:
        if self.interactive:
            self.stdout.write("› ")
            self.stdout.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        if line == "":
            return None
        line = line.rstrip("\r\n")
        if not self.interactive:
            self.say(f"you: {line}")
        return line

    async def handle(self, line: str) -> str:
        """Act on one input line: "sent" (the bot may react), "local" or "quit"."""
        if not line.startswith(":") or line.startswith("::"):
            if not line.strip():
                return "local"
            await self.user.send(line[1:] if line.startswith("::") else line)
            return "sent"
        command, _, argument = line[1:].partition(" ")
        try:
            return await self._command(command.lower(), argument.strip())
        except (AssertionError, OSError, ValueError) as problem:
            self.say(f"  ! {problem}".split("\n", 1)[0])
            return "local"

    async def _command(self, command: str, argument: str) -> str:
        user = self.user
        if command in ("q", "quit", "exit"):
            return "quit"
        if command in ("h", "help", "?"):
            self.say(HELP)
            return "local"
        if command in ("block", "unblock"):
            await (user.block() if command == "block" else user.unblock())
            self.say(f"  (you {command}ed the bot)")
            return "local"
        if command == "save":
            self._save(argument)
            return "local"
        if command == "commands":
            commands = self.server.commands_for(user)
            for item in commands:
                self.say(f"  /{item['command']} — {item['description']}")
            if not commands:
                self.say("  (the bot has set no commands)")
            return "local"
        if command.isdigit():
            try:
                await user.press(int(command) - 1)
            except NoReplyError:
                self.say("  ! the bot did not answer the button press")
        elif command.startswith("r") and command[1:].isdigit():
            buttons = [b for row in user.reply_keyboard or [] for b in row]
            index = int(command[1:]) - 1
            if not 0 <= index < len(buttons):
                raise ValueError(f"no reply button {command[1:]}")
            await user.tap_reply_button(buttons[index].text)
        elif command == "contact":
            await user.share_contact(argument or None)
        elif command == "file":
            content, name = await asyncio.to_thread(_read_file, argument)
            await user.send_document(content, name)
        elif command == "photo":
            if argument:
                content, _ = await asyncio.to_thread(_read_file, argument)
            else:
                content = make_png(320, 240)
            await user.send_photo(content)
        elif command == "sticker":
            await user.send_sticker()
        elif command == "voice":
            await user.send_voice()
        else:
            self.say(f"  ! unknown command :{command}; :help lists them")
            return "local"
        return "sent"

    def _save(self, directory: str) -> None:
        for message in reversed(self.user.messages):
            if message.attachment is not None:
                name = message.attachment.file_name or f"photo_{message.message_id}.jpg"
                target = Path(directory or ".").expanduser() / Path(name).name
                target.write_bytes(message.attachment.content)
                self.say(f"  saved {target}")
                return
        raise ValueError("the bot has sent no file")


async def run_console(
    server: FakeTelegramServer,
    user: SimUser,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    color: bool | None = None,
    reply_timeout: float = 5.0,
    settle: float = 0.15,
) -> None:
    """Chat as `user` with the bot that polls `server`, until :quit or end of input.

    Works interactively and with piped input: after each line it waits for the bot's reaction
    (up to `reply_timeout`, then until nothing new arrives for `settle` seconds) before
    reading the next, so a script of lines behaves like a person reading the answers.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if color is None:
        color = stdout.isatty()
    chat = TerminalChat(
        server, user, stdin, stdout, color=color, reply_timeout=reply_timeout, settle=settle
    )
    chat.shown = len(user.chat.events)
    chat.say(f"Chatting with @{user.account.username} as {user.first_name}.")
    chat.say(HELP)
    printer = asyncio.create_task(_print_while_idle(chat))
    try:
        while True:
            line = await chat.read_line()
            if line is None:
                break
            since = len(user.chat.events)
            outcome = await chat.handle(line)
            if outcome == "quit":
                break
            if outcome == "sent":
                await chat.settle_replies(since)
    finally:
        printer.cancel()
        chat.flush()


async def _print_while_idle(chat: TerminalChat) -> None:
    """Messages the bot sends on its own (reminders, broadcasts) appear while the person types."""
    while True:
        await chat.user.chat.changed(3600)
        chat.flush()


async def chat_in_terminal(
    server: FakeTelegramServer,
    dispatcher: Dispatcher,
    bot: Bot,
    user: SimUser,
    **console_kwargs: Any,
) -> None:
    """Run `dispatcher` with long polling against `server` and the console for `user`."""
    async with server.polling(dispatcher, bot):
        await run_console(server, user, **console_kwargs)


async def _demo_sandbox(name: str, language: str, reply_timeout: float, *, echo: bool) -> None:
    from aiogram import Dispatcher

    from bot.fakeapi.echo import demo_router, echo_router
    from bot.fakeapi.server import FakeTelegramServer

    async with FakeTelegramServer() as server:
        bot = server.make_bot()
        dispatcher = Dispatcher()
        dispatcher.include_router(echo_router() if echo else demo_router())
        user = server.user(name, language_code=language)
        try:
            await chat_in_terminal(server, dispatcher, bot, user, reply_timeout=reply_timeout)
        finally:
            await bot.session.close()


def add_sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", default="Aigerim", help="your first name in the chat")
    parser.add_argument("--language", default="en", help="your Telegram language code")
    parser.add_argument("--reply-timeout", type=float, default=5.0, metavar="SECONDS")


def demo_command(args: argparse.Namespace) -> int:
    """`python -m bot.fakeapi`: the demo bot in the terminal (`fairbot sandbox` runs the real
    bot: see bot.sandbox)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            _demo_sandbox(
                args.name, args.language, args.reply_timeout, echo=getattr(args, "echo", False)
            )
        )
    return 0
