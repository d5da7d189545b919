"""Every user-visible text in Kazakh, Russian and English (Fluent), and choosing the language."""

from bot.i18n.translator import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES_DIR,
    SafeHtml,
    Translate,
    Translator,
    language_from_telegram,
    safe,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "SafeHtml",
    "Translate",
    "Translator",
    "language_from_telegram",
    "safe",
]
