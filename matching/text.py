"""Text normalisation shared by the taxonomy and student input: tokens, script folding, stems.

Every word goes through the same three steps on both sides (taxonomy aliases and what students
type), so that only the steps' consistency matters, not linguistic perfection:

1. `normalize`: Unicode NFKC, casefold, ё→е; punctuation and emoji are separators.
2. `fold`: one Latin phonetic key for Cyrillic (Russian and Kazakh letters), Latin-typed Russian
   and Kazakh, and English: "спутниковая" and "sputnikovaya" meet; transliteration variants
   collapse (ya/ia, kh/h, sch/sh, ts/c, zh/j, y/i, w/u, ğ/gh/g, q/k) and doubled letters merge.
3. `stem`: strips one ending from the folded key (Kazakh endings for words with Kazakh
   letters, Russian for other Cyrillic, Russian and English for Latin, plus a second, Kazakh
   reading of Latin words typed by Kazakh speakers); a stem keeps at least 4 letters.
   Stacked Kazakh suffixes ("жұлдыздарды") and Latin-typed Kazakh are left to the matcher, which
   accepts two stems when one is the other plus endings (`is_ending`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from matching.stopwords import OTHERS_END_RAW, OTHERS_KK_RAW, OTHERS_RAW, STOP_WORDS_RAW

_SENTENCE_END = re.compile(r"[.!?;…\n]+")
_WORD = re.compile(r"\bc(?:\+\+|#)|[^\W_]+(?:['’ʼ`][^\W_]+)*", re.IGNORECASE)

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Kazakh letters fold to the Latin letter students type for them.
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip

# Latin letters whose diacritics carry a sound (Kazakh and Turkic Latin alphabets).
_LATIN_SPECIAL = {"ş": "sh", "ç": "ch", "ğ": "g", "ı": "i", "ñ": "n", "ä": "a"}

# Applied in order to the Latin string; longer variants first.
_DIGRAPHS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("zh", "j"),
    ("kh", "h"),
    ("tsh", "ch"),
    ("ts", "c"),
    ("tc", "c"),
    ("ph", "f"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "u"),
    ("y", "i"),
)

_TRANSLATE = str.maketrans({**_CYRILLIC, **_LATIN_SPECIAL, "'": "", "’": "", "ʼ": "", "`": ""})
_DOUBLED = re.compile(r"(.)\1+")

# Endings in folded form (ы/и/й → i, я → ia, ю → iu; ә → a, ө → o, ұ/ү → u, ғ → g, қ → k).


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_RU_SUFFIXES = _words(
    """
    iami ami iah ah ov ev ei oi om em am iam ogo ego omu emu imi ih im aia iaia oe ee ie uiu iuiu
    ii ia iu a e i o u ost skii ski skaia skoe skie skih skogo skoi skomu
    ova ovi ovo ovie ovoi ovaia ovoe ovih ovimi
    """
)
# Kazakh: plural, case, possessive, personal and derivational suffixes.
_KK_SUFFIXES = _words(
    """
    lar ler dar der tar ter nin din tin ga ge ka ke na ne ni di ti da de ta te nda nde dan den
    tan ten nan nen men ben pen si in sin lik dik tik shi li gi ki dagi tagi min bin pin miz
    biz piz ing iniz im n i a e u gim kim gisi kisi
    """
)
_EN_SUFFIXES = _words("s es ies ing ings ed ly al ic ical ics ist ists")
# Pieces a word may differ by when two stems share a prefix: every ending, plus the consonants
# that stripping leaves behind ("малыми" → "malim" against "малые" → "mali").
_ALL_SUFFIXES = _RU_SUFFIXES | _KK_SUFFIXES | _EN_SUFFIXES | _words("m h mi")


def _longest_first(suffixes: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(suffixes, key=lambda s: (-len(s), s)))


_BY_SCRIPT = {
    "kk": _longest_first(_KK_SUFFIXES),
    "ru": _longest_first(_RU_SUFFIXES),
    "latin": _longest_first(_RU_SUFFIXES | _EN_SUFFIXES),
}
_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_MIN_STEM = 4


def normalize(text: str) -> str:
    """NFKC, casefold, ё→е."""
    return unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")


def fold(word: str) -> str:
    """One Latin key for a normalised word in any of our scripts."""
    if word == "c++":
        return "cpp"
    if word == "c#":
        return "csharp"
    s = word.translate(_TRANSLATE)
    if not s.isascii():
        s = "".join(
            c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)
        ).translate(_TRANSLATE)
    for old, new in _DIGRAPHS:
        if old in s:
            s = s.replace(old, new)
    # Doubled letters merge in words (a common typo), not in abbreviations: IITU is not ITU.
    return _DOUBLED.sub(r"\1", s) if len(s) > 5 else s


def script(word: str) -> str:
    """Which ending list applies: "kk" (Kazakh letters), "ru" (other Cyrillic) or "latin"."""
    if any(c in _KAZAKH_LETTERS for c in word):
        return "kk"
    if any("\u0400" <= c <= "\u04ff" for c in word):
        return "ru"
    return "latin"


@lru_cache(maxsize=200_000)
def stem(key: str, script: str = "latin") -> str:
    """Strip one inflectional ending from a folded key (the list depends on the word's script)."""
    if key.isdigit():
        return key
    for suffix in _BY_SCRIPT[script]:
        if key.endswith(suffix) and len(key) - len(suffix) >= _MIN_STEM:
            return key[: -len(suffix)]
    return key


@lru_cache(maxsize=100_000)
def is_ending(tail: str, pieces: int = 3, letters: int = 1) -> bool:
    """True if `tail` is at most `pieces` endings, one of them a single letter at most.

    "terdi" = "ter" + "di" and "ani" = "a" + "ni" are endings; "ism" = "i" + "s" + "m" is not.
    """
    if not tail:
        return True
    if pieces == 0:
        return False
    return any(
        tail.startswith(suffix)
        and (len(suffix) > 1 or letters > 0)
        and is_ending(tail[len(suffix) :], pieces - 1, letters - (len(suffix) == 1))
        for suffix in _ALL_SUFFIXES
        if len(suffix) <= len(tail)
    )


@dataclass(frozen=True, slots=True)
class Token:
    """A content word of a text: where it is in the original, and its folded stem(s).

    `alt` is the Kazakh reading of a word without Kazakh letters ("zhuldyzdardy" → "juldiz",
    «сахнада» → "sahna"), when it differs from `stem`.
    """

    start: int
    end: int
    stem: str
    alt: str | None = None
    latin: bool = True  # typed in Latin letters
    sentence: int = 0  # which sentence of the text it is in


def word_spans(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, normalised word) for every word; punctuation and emoji separate words."""
    for m in _WORD.finditer(text):
        yield m.start(), m.end(), normalize(m.group())


STOP_KEYS: frozenset[str] = frozenset(
    fold(normalize(w)) for words in STOP_WORDS_RAW.values() for w in words
)


@lru_cache(maxsize=200_000)
def word_stems(word: str) -> tuple[str, str | None] | None:
    """(stem, Kazakh reading or None) of a normalised word; None for stop words."""
    key = fold(word)
    if len(key) < 2 or key in STOP_KEYS:
        return None
    kind = script(word)
    main = stem(key, kind)
    if kind != "kk":
        kazakh = stem(key, "kk")
        if kazakh != main:
            return main, kazakh
    return main, None


def tokenize(text: str) -> list[Token]:
    """Content tokens of `text`, stop words of en/ru/kk removed, positions into `text` kept."""
    tokens = []
    sentence = 0
    last = 0
    for start, end, word in word_spans(text):
        if _SENTENCE_END.search(text, last, start):
            sentence += 1
        last = end
        found = word_stems(word)
        if found is not None:
            tokens.append(Token(start, end, *found, script(word) == "latin", sentence))
    return tokens


def stems(text: str) -> list[str]:
    """Just the stems of `text`'s content words, in order."""
    return [t.stem for t in tokenize(text)]


def _marker_keys(words: Iterable[str]) -> frozenset[str]:
    found = (word_stems(normalize(w)) for w in words)
    return frozenset(f[0] for f in found if f is not None)


_OTHERS = _marker_keys(OTHERS_RAW)
# Kazakh says "my friend" with endings ("досым", "досыммен", "досымның"): these take more.
_OTHERS_KK: dict[str, list[str]] = {}
for _k in _marker_keys(OTHERS_KK_RAW):
    _OTHERS_KK.setdefault(_k[:4], []).append(_k)
# Markers that fold like a stop word ("son" like Kazakh «соң»).
_OTHERS_STOP = frozenset(fold(normalize(w)) for w in OTHERS_RAW if word_stems(normalize(w)) is None)
_OTHERS_END = frozenset(fold(normalize(w)) for w in OTHERS_END_RAW)


def _names_someone_else(word: str) -> bool:
    found = word_stems(word)  # cached, and tokenize needs it anyway
    if found is None:
        return bool(_OTHERS_STOP) and fold(word) in _OTHERS_STOP
    key = found[0]
    if key in _OTHERS:
        return True
    # Folding merged a doubled letter where an ending starts with the stem's last one
    # ("досым" + "мен" → "dosimen").
    return any(
        key.startswith(o) and (is_ending(key[len(o) :]) or is_ending(o[-1] + key[len(o) :]))
        for o in _OTHERS_KK.get(key[:4], ())
    )


def others_spans(text: str) -> list[tuple[int, int]]:
    """Stretches of `text` about someone other than the student: from a word for another
    person ("friend", «досым», «брат») to the end of the sentence, to the student's own
    "I" / «я», or to a contrast ("but", «а», «бірақ»)."""
    spans: list[tuple[int, int]] = []
    ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    k = 0  # ends[k] is the end of the current sentence
    start: int | None = None
    for begin, end, word in word_spans(text):
        while ends[k] < begin:
            k += 1
            if start is not None:
                spans.append((start, ends[k - 1]))
                start = None
        if start is not None and fold(word) in _OTHERS_END:
            spans.append((start, begin))
            start = None
        if start is None and _names_someone_else(word):
            start = end
    if start is not None:
        spans.append((start, ends[k]))
    return spans
