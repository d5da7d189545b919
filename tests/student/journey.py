"""A student going through the bot as a person would, in any language (shared by the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import FakeClock
from bot.fakeapi import SimUser
from bot.fakeapi.users import BotMessage
from bot.i18n import Translator

LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

# What a student of each language types; interests chosen to match exhibitors of data/.
ANSWERS = {
    "en": {
        "university": "Al-Farabi Kazakh National University",
        "level": "master 1",
        "field": "Physics",
        "interests": "satellite image processing and GIS",
    },
    "ru": {
        "university": "КазНУ им. аль-Фараби",
        "level": "2 курс",
        "field": "Геодезия",
        "interests": "хочу заниматься обработкой космических снимков и ГИС",
    },
    "kk": {
        "university": "Сәтбаев университеті",
        "level": "магистратура 2",
        "field": "Информатика",
        "interests": "ғарыштық түсірілімдерді өңдеу және геоақпараттық жүйелер",
    },
}


def plain(translator: Translator, lang: str, key: str, **args: object) -> str:
    """A message as the user sees it: HTML tags and entities gone, like the fake server shows."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", translator.get(lang, key, **args)))


@dataclass
class Journey:
    """`clock` (the dispatcher's FakeClock) moves one second per answer, a person's pace: a
    whole journey at machine speed would trip the flood control (20 updates in 10 s)."""

    user: SimUser
    lang: str
    translator: Translator
    clock: FakeClock | None = None

    def t(self, key: str, **args: object) -> str:
        return plain(self.translator, self.lang, key, **args)

    async def expect(self, key: str, **args: object) -> BotMessage:
        """The next bot message that contains the text of `key`."""
        wanted = self.t(key, **args)
        found = await self.user.wait_for_message(lambda m: wanted in m.body)
        self.pace()
        return found

    def pace(self) -> None:
        if self.clock is not None:
            self.clock.advance(seconds=1)

    async def start(self, payload: str | None = None) -> BotMessage:
        await self.user.send("/start" + (f" {payload}" if payload else ""))
        # The first screen speaks Telegram's language; its last line is the same in all three.
        return await self.user.wait_for_message(lambda m: "Choose your language" in m.body)

    async def choose_language(self) -> BotMessage:
        """Press this journey's language on the first screen: it turns into the consent."""
        await self.user.press(list(LABELS).index(self.lang))
        return await self.expect("consent-text")

    async def consent(self) -> BotMessage:
        await self.user.press(self.t("consent-agree"))
        return await self.expect("ask-name")

    async def profile(self, *, cv: bytes | None = None) -> list[BotMessage]:
        """From the name step to the matches: returns the match cards."""
        answers = ANSWERS[self.lang]
        name = " ".join(p for p in (self.user.first_name, self.user.last_name) if p)
        await self.user.press(self.t("name-use-telegram", name=name))
        await self.expect("ask-university")
        await self.user.send(answers["university"])
        await self.expect("ask-study-level")
        await self.user.send(answers["level"])
        await self.expect("ask-field")
        await self.user.send(answers["field"])
        await self.expect("ask-interests")
        await self.user.send(answers["interests"])
        await self.expect("ask-topics")
        await self.user.press(self.t("topics-done"))
        await self.expect("ask-seeking")
        await self.user.press(self.t("kind-internship"))
        await self.user.press(self.t("seeking-done"))
        await self.expect("ask-phone")
        await self.user.tap_reply_button(self.t("phone-share"))
        await self.expect("ask-email")
        await self.user.send("aigerim@example.org")
        await self.expect("ask-cv")
        if cv is None:
            await self.user.tap_reply_button(self.t("button-skip"))
        else:
            await self.user.send_document(cv, "cv.pdf", "application/pdf")
        return await self.cards(finished=True)

    async def cards(self, *, finished: bool = False) -> list[BotMessage]:
        """The answer to /matches, or with `finished` to the last onboarding step (which says
        the profile is ready first): the header, then one card each; [] for no matches."""
        headers = {self.t("matches-header", count=n): n for n in range(1, 6)}
        none = self.t("matches-none")

        def header_of(message: BotMessage) -> int | None:
            return next((n for h, n in headers.items() if message.body.endswith(h)), None)

        first = await self.user.wait_for_message(
            lambda m: header_of(m) is not None or m.body == none
        )
        self.pace()
        if finished and first.body != none:
            assert first.body.startswith(self.t("onboarding-done")), first.body
        if first.body == none:
            return []
        count = header_of(first)
        assert count is not None
        return [await self.user.next_message() for _ in range(count)]
