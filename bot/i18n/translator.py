"""Fluent translator: message ids in, HTML-safe text out, in the person's language."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "en"


class SafeHtml(str):
    """Text that is already valid Telegram HTML (e.g. built from other translated messages);
    the translator passes it through unescaped. Never wrap user input in it."""

    __slots__ = ()


def safe(text: str) -> SafeHtml:
    return SafeHtml(text)


def language_from_telegram(language_code: str | None) -> str:
    """Telegram's `language_code` (IETF tag such as "ru" or "kk-KZ") to one of our languages."""
    primary = (language_code or "").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def _escape(value: Any) -> Any:
    if isinstance(value, SafeHtml):
        return str(value)
    if isinstance(value, bool):
        return html.escape(str(value))
    # Numbers and dates keep their type so Fluent can pick plural forms and format them.
    if isinstance(value, int | float | Decimal | date):
        return value
    return html.escape(str(value), quote=True)


class Translator:
    """Loads `<locales_dir>/<lang>/*.ftl` for each language.

    `get(lang, key, **args)` HTML-escapes every string argument (all messages go out with
    parse_mode=HTML), so no user input can break a message. A key missing in a language falls
    back to the default language and is logged; a key missing everywhere yields the key itself.
    """

    def __init__(
        self,
        locales_dir: Path = LOCALES_DIR,
        languages: Iterable[str] = LANGUAGES,
        default: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.languages = tuple(languages)
        self.default = default
        self._bundles: dict[str, FluentBundle] = {}
        for lang in self.languages:
            # use_isolating=False: Unicode isolation marks would show up in Telegram as junk.
            bundle = FluentBundle([lang], use_isolating=False)
            for path in sorted((locales_dir / lang).glob("*.ftl")):
                bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
            self._bundles[lang] = bundle

    def has(self, lang: str, key: str) -> bool:
        bundle = self._bundles.get(lang)
        return bundle is not None and bundle.has_message(key)

    def get(self, lang: str, key: str, /, **args: Any) -> str:
        if not self.has(lang, key):
            log.error("message %r missing in language %r", key, lang)
            if lang == self.default or not self.has(self.default, key):
                return key
            lang = self.default
        bundle = self._bundles[lang]
        message = bundle.get_message(key)
        if message.value is None:
            log.error("message %r has no value in language %r", key, lang)
            return key
        text, errors = bundle.format_pattern(
            message.value, {name: _escape(value) for name, value in args.items()}
        )
        for error in errors:
            log.error("message %r in language %r: %s", key, lang, error)
        return str(text)

    def bind(self, lang: str) -> Translate:
        return Translate(self, lang)


class Translate:
    """`t(key, **args)` for one language: what handlers receive as `t`."""

    __slots__ = ("lang", "translator")

    def __init__(self, translator: Translator, lang: str) -> None:
        self.translator = translator
        self.lang = lang

    def __call__(self, key: str, /, **args: Any) -> str:
        return self.translator.get(self.lang, key, **args)
