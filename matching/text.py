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

Tokens know their sentence and clause (a contrast, "but" / «но» / «бірақ», starts a clause).
`others_spans` finds what is said about someone else, and `intent` whether a text speaks of a
career or study path, or asks for a service as a customer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from matching.stopwords import (
    CAREER_RAW,
    CONSUMER_RAW,
    CONTRAST_RAW,
    OTHERS_END_RAW,
    OTHERS_KK_RAW,
    OTHERS_RAW,
    STOP_WORDS_RAW,
)

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
    ii ia iu a e i o u ost skii ski skaia skoe skie skih skogo skoi skomu skuiu skim skimi skom
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


def reduced(key: str) -> str:
    """`key` with unstressed-vowel confusions merged: o/a and e/i («космас», «физеке»)."""
    return key.replace("o", "a").replace("e", "i")


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
    clause: int = 0  # which clause: sentences are cut further by a contrast ("but", «бірақ»)


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


# Compared as written, not folded: Russian «а», «но» are not English "a", "no".
_CONTRAST = frozenset(normalize(w) for w in CONTRAST_RAW)


def tokenize(text: str) -> list[Token]:
    """Content tokens of `text`, stop words of en/ru/kk removed, positions into `text` kept."""
    tokens = []
    sentence = clause = 0
    last = 0
    for start, end, word in word_spans(text):
        if _SENTENCE_END.search(text, last, start):
            sentence += 1
            clause += 1
        last = end
        found = word_stems(word)
        if found is not None:
            tokens.append(Token(start, end, *found, script(word) == "latin", sentence, clause))
        elif word in _CONTRAST:
            clause += 1
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
# Compared as written, not folded: Russian «а», «но» are not English "a", "no".
_OTHERS_END = frozenset(normalize(w) for w in OTHERS_END_RAW)


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
        if start is not None and word.replace("’", "'") in _OTHERS_END:
            spans.append((start, begin))
            start = None
        if start is None and _names_someone_else(word):
            start = end
    if start is not None:
        spans.append((start, ends[k]))
    return spans


# -- intents ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Intent:
    """What a text asks for: a career or a study place (in which sentences), or a service as
    a customer."""

    career_sentences: frozenset[int] = frozenset()
    consumer: bool = False

    @property
    def career(self) -> bool:
        return bool(self.career_sentences)


@lru_cache(maxsize=100_000)
def _intent_key(word: str) -> tuple[str, str, bool]:
    """(stem, folded word, typed in Cyrillic) of any word, stop words included: they make up
    "want to work" and «не работает»."""
    key = fold(word)
    kind = script(word)
    return stem(key, kind), key, kind != "latin"


# stem, folded, both with reduced vowels, and whether the marker is typed in Cyrillic
_MarkerWord = tuple[str, str, str, str, bool]
Marker = tuple[_MarkerWord, ...]


def _marker_phrases(raw: Iterable[str]) -> dict[str, list[Marker]]:
    """Phrases by the first three letters of their first word (vowels reduced)."""
    by_head: dict[str, list[Marker]] = {}
    for phrase in raw:
        words = [_intent_key(w) for _, _, w in word_spans(phrase)]
        marker = tuple((s, f, reduced(s), reduced(f), c) for s, f, c in words)
        if marker:
            by_head.setdefault(marker[0][3][:3], []).append(marker)
    return by_head


_CAREER = _marker_phrases(CAREER_RAW)
_CONSUMER = _marker_phrases(CONSUMER_RAW)


def _same_word(word: tuple[str, str, bool], marker: _MarkerWord) -> bool:
    """The word is the marker's word: the same stem, or a Russian or Kazakh marker's word with
    endings («сатып алуға» is «сатып алу»). In Cyrillic words a vowel may be written as heard
    («хачу» is «хочу»); Latin words keep their vowels ("room" is not "roam"). English markers
    match Latin words only («интернет» is not "intern"); Russian and Kazakh ones match both."""
    s, f, cyrillic = word
    if cyrillic and not marker[4]:
        return False
    ms, mf = (marker[2], marker[3]) if cyrillic else (marker[0], marker[1])
    if cyrillic:
        s, f = reduced(s), reduced(f)
    if s == ms or f == mf:
        return True
    # Endings are Russian and Kazakh ones: English words are compared by stem ("interneta" is
    # not "intern" with an ending).
    return marker[4] and len(mf) >= 3 and f.startswith(mf) and is_ending(f[len(mf) :])


def _find_markers(
    words: list[tuple[str, str, bool]], sentences: list[int], by_head: dict[str, list[Marker]]
) -> set[int]:
    """Positions of the words that make up a marker phrase (one other word may stand between
    two of its words, all in one sentence)."""
    used: set[int] = set()
    for i, word in enumerate(words):
        for phrase in by_head.get(reduced(word[1])[:3], ()):
            if not _same_word(word, phrase[0]):
                continue
            chosen = [i]
            for marker in phrase[1:]:
                nxt = next(
                    (
                        j
                        for j in range(chosen[-1] + 1, min(chosen[-1] + 3, len(words)))
                        if sentences[j] == sentences[i] and _same_word(words[j], marker)
                    ),
                    None,
                )
                if nxt is None:
                    break
                chosen.append(nxt)
            else:
                used.update(chosen)
    return used


def intent(text: str) -> Intent:
    """Whether `text` speaks of a career or study path, and whether it asks for a service as a
    customer (a tariff, a repair, a price, a purchase). Words of a customer's phrase («не
    работает») are not read as career words."""
    words: list[tuple[str, str, bool]] = []
    sentences: list[int] = []
    sentence = 0
    last = 0
    for start, end, word in word_spans(text):
        if _SENTENCE_END.search(text, last, start):
            sentence += 1
        last = end
        words.append(_intent_key(word))
        sentences.append(sentence)
    consumer = _find_markers(words, sentences, _CONSUMER)
    free = [w if i not in consumer else ("", "", False) for i, w in enumerate(words)]
    career = _find_markers(free, sentences, _CAREER)
    return Intent(frozenset(sentences[i] for i in career), bool(consumer))
