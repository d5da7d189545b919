"""Typed answers read the way students write them, in Kazakh, Russian or English.

Every step that offers buttons also accepts a typed answer: "master 2", "2 курс", "магистратура 1",
"internship, job", "иә", "skip". Parsers return None when they cannot read the answer, so the
step can say what it expects and ask again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from matching.catalogue import OPENING_KINDS, OpeningKind

DEGREES: Final = ("bachelor", "master", "phd", "other")
MAX_YEAR: Final = {"bachelor": 6, "master": 2, "phd": 4, "other": 0}
CV_MAX_BYTES: Final = 10 * 1024 * 1024
CV_MIME: Final = "application/pdf"
DEFAULT_PHONE_REGION: Final = "KZ"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е"))


def _normal(text: str) -> str:
    return " ".join(_words(text))


# --- free text ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounded:
    text: str
    cut: bool  # the answer was longer than allowed and was cut


def bound_text(text: str, limit: int) -> Bounded:
    """Trimmed text of at most `limit` characters (cut at a word boundary when one is near)."""
    text = text.strip()
    if len(text) <= limit:
        return Bounded(text, False)
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return Bounded(cut.rstrip(), True)


# --- yes, no, skip, language --------------------------------------------------------------------

_YES = {"yes", "y", "ok", "okay", "sure", "agree", "i agree", "да", "ок", "согласен", "согласна",
        "конечно", "иә", "ия", "иа", "келісемін", "жарайды", "мақұл"}  # fmt: skip
_NO = {"no", "n", "nope", "decline", "disagree", "no thanks", "нет", "не", "не согласен",
       "не согласна", "нет спасибо", "отказываюсь", "жоқ", "жоқ рахмет", "келіспеймін",
       "қажет емес"}  # fmt: skip
_SKIP = {"skip", "next", "later", "no", "none", "-", "пропустить", "пропуск", "дальше", "далее",
         "нет", "позже", "өткізу", "өткізіп жіберу", "келесі", "жоқ", "кейін"}  # fmt: skip
_DONE = {"done", "ready", "finish", "finished", "next", "ok", "готово", "готов", "дальше", "далее",
         "все", "хватит", "дайын", "болды", "келесі", "жарайды"}  # fmt: skip
_REMOVE = {"delete", "remove", "delete it", "remove it", "удалить", "убрать", "жою", "өшіру"}


def parse_yes_no(text: str) -> bool | None:
    normal = _normal(text)
    if normal in _NO:
        return False
    if normal in _YES:
        return True
    return None


def is_skip(text: str) -> bool:
    stripped = text.strip()
    return stripped == "-" or _normal(stripped) in _SKIP


def is_done(text: str) -> bool:
    return _normal(text) in _DONE


def is_remove(text: str) -> bool:
    return _normal(text) in _REMOVE


_LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "kk": ("kk", "kz", "kaz", "kazakh", "қазақ", "қазақша", "казах", "казахский", "казакша"),
    "ru": ("ru", "rus", "russian", "рус", "русский", "по русски", "орыс", "орысша"),
    "en": ("en", "eng", "english", "англ", "английский", "ағылшын", "ағылшынша"),
}


def parse_language(text: str) -> str | None:
    normal = _normal(text)
    for lang, words in _LANGUAGE_WORDS.items():
        if normal in words:
            return lang
    return None


# --- study level --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyLevel:
    degree: str  # bachelor | master | phd | other
    year: int | None


_DEGREE_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("phd", ("phd", "doctor", "аспирант", "докторант", "доктор")),
    ("master", ("master", "msc", "magist", "магистр")),
    ("bachelor", ("bachelor", "bsc", "undergrad", "бакалавр", "студент", "student")),
    ("other", ("graduate", "alumn", "other", "выпускни", "выпускник", "другое", "иное", "түлек",
               "басқа")),
)  # fmt: skip
_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "перв": 1, "втор": 2, "трет": 3, "четв": 4, "пят": 5,
    "бірінші": 1, "екінші": 2, "үшінші": 3, "төртінші": 4, "бесінші": 5,
}  # fmt: skip
_YEAR_DIGITS = re.compile(r"(?<!\d)([1-6])(?!\d)")


def _degree_of(words: list[str]) -> str | None:
    for word in words:
        for degree, stems in _DEGREE_STEMS:
            if any(word.startswith(stem) for stem in stems):
                return degree
    return None


def _year_of(text: str, words: list[str]) -> int | None:
    digits = _YEAR_DIGITS.findall(text)
    if digits:
        return int(digits[0])
    for word in words:
        for stem, number in _ORDINALS.items():
            if word.startswith(stem):
                return number
    return None


def parse_study_level(text: str) -> StudyLevel | None:
    """ "3", "2 курс", "master 2", "магистратура 1", "PhD", "выпускник" -> a StudyLevel.

    A year without a degree means a bachelor's year ("3 курс"). None when the answer names
    neither, or a year the degree does not have ("master 5").
    """
    text = text.replace(".", "")  # "Ph.D." is "PhD"
    words = _words(text)
    if not words:
        return None
    degree = _degree_of(words)
    year = _year_of(text, words)
    if degree is None:
        if year is None:
            return None
        degree = "bachelor"
    if degree == "other":
        return StudyLevel("other", None)
    if year is not None and not 1 <= year <= MAX_YEAR[degree]:
        return None
    return StudyLevel(degree, year)


# --- opportunity kinds --------------------------------------------------------------------------

_KIND_STEMS: dict[OpeningKind, tuple[str, ...]] = {
    "internship": ("intern", "trainee", "placement", "стажир", "стажер", "практик", "тағылымдам",
                   "практика"),
    "job": ("job", "work", "employ", "career", "position", "работ", "ваканс", "трудоустр", "жұмыс",
            "қызмет"),
    "thesis": ("thesis", "diplom", "диплом", "тезис", "дипломдық", "курсов"),
    "research": ("research", "science", "scien", "исслед", "наук", "научн", "зертте", "ғылым"),
}  # fmt: skip
_ALL = {"all", "everything", "any", "все", "всё", "любое", "бәрі", "барлығы", "кез келген"}


def parse_seeking(text: str) -> frozenset[OpeningKind] | None:
    """The opportunity kinds a typed answer names ("internship, job", "стажировка и наука")."""
    normal = _normal(text)
    if normal in _ALL:
        return frozenset(OPENING_KINDS)
    found: set[OpeningKind] = set()
    for word in _words(text):
        for kind, stems in _KIND_STEMS.items():
            if any(word.startswith(stem) for stem in stems):
                found.add(kind)
    return frozenset(found) or None


# --- phone, e-mail ------------------------------------------------------------------------------


def normalise_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """A valid phone number in E.164 ("+77011234567"), or None. Numbers without a country code
    are read as Kazakh ones."""
    candidate = text.strip()
    if not candidate or len(candidate) > 40 or not any(c.isdigit() for c in candidate):
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_phone(raw: str) -> str:
    """The phone of a contact Telegram vouches for, in E.164 when it can be read."""
    digits = raw.strip()
    if not digits.startswith("+"):
        digits = "+" + digits
    return normalise_phone(digits) or digits[:32]


def normalise_email(text: str) -> str | None:
    """The address in normal form when its syntax is valid (no DNS lookups), else None."""
    candidate = text.strip()
    if not candidate or len(candidate) > 254:
        return None
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(result.normalized)


# --- CV files -----------------------------------------------------------------------------------


class CvProblem(Enum):
    """Why a file is not accepted as a CV; the value names the message that explains it."""

    NOT_A_DOCUMENT = "cv-not-a-document"
    NOT_PDF = "cv-not-pdf"
    TOO_BIG = "cv-too-big"
    BROKEN = "cv-broken"
    UNREADABLE = "cv-unreadable"


def check_cv(mime_type: str | None, file_name: str | None, size: int | None) -> CvProblem | None:
    """A CV must be a PDF (by type and by name) of at most 10 MB."""
    if (mime_type or "").lower() != CV_MIME or not (file_name or "").lower().endswith(".pdf"):
        return CvProblem.NOT_PDF
    if size is None or size > CV_MAX_BYTES:
        return CvProblem.TOO_BIG
    return None


def looks_like_pdf(head: bytes) -> bool:
    """PDF files start with "%PDF-" (a few bytes of junk before it are tolerated by readers)."""
    return b"%PDF-" in head[:1024]
