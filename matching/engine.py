"""The matching engine: student profile in, ranked exhibitors with reasons out.

How a profile becomes matches:

1. Topic extraction (`TopicIndex`). Every alias of the taxonomy, every exhibitor's names and
   every alias of the off-domain fields (data/offtopic.yaml: medicine, cooking, show business,
   games, flats, astrology...) are cut into stems (see `matching.text`). A student's stems are
   compared with this vocabulary by rapidfuzz (`process.cdist`: ratio and OSA for typos, a
   common prefix plus known endings for inflection and stacked Kazakh suffixes, one unstressed
   vowel written as heard: «космас», «физеке»); short words (< 4 letters: GIS, ДЗЗ, RF) and
   numbers only match exactly, and a short word typed in Cyrillic only matches an alias that
   writes it in Cyrillic («ТЭЦ» is not TEC). A word the vocabulary knows, as it is or with
   endings, is never taken for a typo of another. A word of an off-domain field is never read
   as a typo or a form of another word ("гороскоп" is not "гироскоп"), nor a word of the fair
   as a form of an off-domain word; off-domain words are recognised with endings, not typos.
   An alias matches when all its words stand together in one sentence.
2. Senses. A word has one sense: a match inside (or sharing a word with) a longer match of an
   at least as specific topic is dropped ("space" inside "space weather", «связи» of
   «солнечно-земные связи» is not also «космическая связь»); between the fair's fields and the
   others the longer phrase decides ("star" inside "pop star" goes, "law" inside "space law"
   too). When the text speaks of an off-domain field, the taxonomy's `ambiguous` aliases
   ("stars", "engines") are taken in their everyday sense and dropped, unless their own
   sentence plainly speaks of the fair. In a clause about leisure (a game, a film, a show, a
   horoscope) the fair's words are its content ("building rockets in KSP", «влияние планет»)
   and dropped, unless the sentence speaks of studying or working (`matching.text.intent`).
3. Evidence per topic: the best match quality from the free text, 1 for picked topics, less for
   the field of study; a topic also lends half its evidence to its `broader` topics. A named
   exhibitor is evidence for that exhibitor alone. Words about someone else ("my friend who
   studies physics") count little next to the student's own. A customer asking for a service
   (a tariff, a repair, a price: "satellite TV doesn't work, who do I call?") names products,
   not interests: unless the text also speaks of studying or working, those words count a
   twentieth, and the rest still weighs in every share. Off-domain fields are evidence too: of
   interests no exhibitor covers.
4. Score per exhibitor: the specificity-weighted share of the student's evidence the exhibitor
   covers (core topics fully, secondary half, topics only its openings name a third), 0-100.
   Little evidence (only generic words) cannot reach a high score, a text mostly about other
   fields falls under the cut-off, and no evidence gives no match at all.
5. Seeking and languages reorder openings and nudge the score by a few points, never creating a
   match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein, Prefix

from matching.catalogue import (
    LANGS,
    OPENING_KINDS,
    Catalogue,
    Exhibitor,
    Lang,
    Opening,
    OpeningKind,
)
from matching.text import Intent, Token, intent, is_ending, others_spans, reduced, tokenize
from matching.text import stems as stem_of

ReasonSource = Literal["text", "topic", "field"]
ORG_PREFIX = "org:"  # pseudo-topics for exhibitors named by the student ("org:baiterek")
OFF_PREFIX = "off:"  # fields no exhibitor works in ("off:healthcare"), from offtopic.yaml
FloatArray = npt.NDArray[np.float32]

# Tuning constants, measured on tests/eval (see `fairbot eval`).
MIN_FUZZY_LEN = 4  # shorter words (abbreviations) only match exactly
MIN_TYPO_LEN = 5  # a 4-letter word with one letter more or less is usually another word
PREFIX_SIM = 0.9  # a shared stem with a different ending
TYPO_SIM = 0.88  # two swapped letters
SOURCE_WEIGHT: dict[ReasonSource, float] = {"text": 1.0, "topic": 1.0, "field": 0.7}
BROADER_SHARE = 0.5
CORE, SECONDARY, OPENING_ONLY = 1.0, 0.5, 0.35
MIN_EVIDENCE = 0.6  # evidence below this (generic words only) is scored as if it were this much
MIN_SCORE = 10.0  # the engine's cut-off: below it an exhibitor is not a match
OFF_WEIGHT = 1.25  # an off-domain field weighs this much against the student's topics
OTHERS_SHARE = 0.05  # what is said about someone else ("my friend studies physics")
CUSTOMER_SHARE = 0.05  # what a customer names ("satellite TV doesn't work, who do I call?")
SEEKING_BONUS = 1.05
LANGUAGE_MALUS = 0.95
MAX_OPENINGS = 3


class StudentProfile(BaseModel):
    """What a student told the bot about themselves."""

    model_config = ConfigDict(frozen=True)

    interests: str = ""
    topics: list[str] = []
    field_of_study: str = ""
    seeking: frozenset[OpeningKind] = frozenset()
    languages: frozenset[Lang] = frozenset()
    lang: Lang = "en"

    def key(self) -> tuple[object, ...]:
        """Equal keys give equal matches (bulk matching computes each key once)."""
        return (
            self.interests,
            tuple(self.topics),
            self.field_of_study,
            self.seeking,
            self.languages,
        )


_QUOTES: dict[Lang, tuple[str, str]] = {"en": ("“", "”"), "ru": ("«", "»"), "kk": ("«", "»")}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an exhibitor matched: which of the student's words pointed to which topic."""

    topic: str
    words: str  # the student's own words; the topic's name for a picked topic
    source: ReasonSource

    def parts(self, lang: Lang, catalogue: Catalogue) -> tuple[str, str]:
        """(the student's words, the topic's name in `lang`) for callers that format their own.

        A student who names an exhibitor gets a reason whose topic is "org:<slug>"; its name is
        the exhibitor's name.
        """
        if self.topic.startswith(ORG_PREFIX):
            return self.words, catalogue.exhibitors[self.topic[len(ORG_PREFIX) :]].name.get(lang)
        return self.words, catalogue.topics[self.topic].name.get(lang)

    def render(self, lang: Lang, catalogue: Catalogue) -> str:
        words, name = self.parts(lang, catalogue)
        if self.source == "topic" or not words:
            return name
        left, right = _QUOTES[lang]
        return f"{left}{words}{right} → {name}"


@dataclass(frozen=True, slots=True)
class Match:
    """One exhibitor for one student: score 0-100, the best openings, and the reasons."""

    org: str
    score: float
    openings: tuple[Opening, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class TopicMention:
    """A topic found in a free text, with the words that mention it and how well they match."""

    topic: str
    words: str
    strength: float
    start: int
    end: int


@dataclass(slots=True)
class _AliasHit:
    topic: int
    positions: frozenset[int]
    strength: float
    length: int
    ambiguous: bool = False


class TopicIndex:
    """The taxonomy's aliases (and exhibitors' names) prepared for fuzzy lookup of free text.

    Entries are the taxonomy's topics, then one per exhibitor (its names), then one per
    off-domain field (`first_org` and `first_off` say where each part starts).
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.first_org = len(catalogue.topics)
        self.first_off = self.first_org + len(catalogue.exhibitors)
        # Specificity of every entry: the topic's weight; an exhibitor's own name is specific.
        self.weights = [
            *(t.weight for t in catalogue.topics.values()),
            *([1.0] * len(catalogue.exhibitors)),
            *(f.weight for f in catalogue.off_domain.values()),
        ]
        # Entries of fields whose mention makes the fair's words their content (see
        # `OffDomainField.kind`).
        self.leisure = frozenset(
            self.first_off + i
            for i, f in enumerate(catalogue.off_domain.values())
            if f.kind == "leisure"
        )
        entries: list[tuple[str, list[str]]] = [
            (tid, [*topic.name.get_all(), *(a for _, a in topic.aliases.all())])
            for tid, topic in catalogue.topics.items()
        ]
        entries += [
            (ORG_PREFIX + slug, [*ex.name.get_all(), *ex.aliases])
            for slug, ex in catalogue.exhibitors.items()
        ]
        entries += [
            (OFF_PREFIX + fid, [*f.name.get_all(), *(a for _, a in f.aliases.all())])
            for fid, f in catalogue.off_domain.items()
        ]
        ambiguous = [
            {tuple(stem_of(a)) for _, a in topic.ambiguous.all()}
            for topic in catalogue.topics.values()
        ]
        self.topic_ids = [tid for tid, _ in entries]
        self.position = {tid: i for i, tid in enumerate(self.topic_ids)}
        vocab: dict[str, int] = {}
        alias_keys: set[tuple[int, tuple[int, ...], tuple[bool, ...] | None]] = set()
        self.aliases: list[tuple[int, tuple[int, ...]]] = []
        self.alias_latin: list[tuple[bool, ...] | None] = []
        self.alias_ambiguous: list[bool] = []
        on_words: set[int] = set()
        for t, (_, names) in enumerate(entries):
            for alias in names:
                tokens = tokenize(alias)
                if all(tok.stem.isdigit() for tok in tokens):  # "Organisation 17" is not "17"
                    continue
                ids = tuple(vocab.setdefault(_vocab_key(tok), len(vocab)) for tok in tokens)
                if t < self.first_off:
                    on_words.update(ids)
                # An exhibitor's name matches word by word in its own script only: "Ghalam" is
                # the company, «ғалам» the universe.
                is_org = self.first_org <= t < self.first_off
                latin = tuple(tok.latin for tok in tokens) if is_org else None
                if (t, ids, latin) not in alias_keys:
                    alias_keys.add((t, ids, latin))
                    self.aliases.append((t, ids))
                    self.alias_latin.append(latin)
                    self.alias_ambiguous.append(
                        t < self.first_org
                        and _is_listed(tuple(tok.stem for tok in tokens), ambiguous[t])
                    )
        self.vocab = list(vocab)
        self.vocab_ids = vocab
        # Words only off-domain fields use are matched exactly, never as a variant of another
        # word: "гороскоп" is not a typo of "гироскоп", "жұлдызнама" not a form of "жұлдыз".
        self.off_only = frozenset(w for w, i in vocab.items() if i not in on_words)
        self.by_vocab: list[list[int]] = [[] for _ in self.vocab]
        for a, (_, ids) in enumerate(self.aliases):
            for v in set(ids):
                self.by_vocab[v].append(a)
        long_idx = [
            i for i, s in enumerate(self.vocab) if _fuzzy_ok(s) and not s.startswith(CYRILLIC)
        ]
        self._long_idx = np.array(long_idx, dtype=np.int64)
        self._long_words = [self.vocab[i] for i in long_idx]
        self._long_len = np.array([len(w) for w in self._long_words], dtype=np.int32)
        # Typos are looked for among the fair's own words only; other fields' words match
        # exactly or with other endings (a cheaper pass over a smaller vocabulary).
        typo_cols = [c for c, w in enumerate(self._long_words) if w not in self.off_only]
        self._typo_cols = np.array(typo_cols, dtype=np.int64)
        self._typo_words = [self._long_words[c] for c in typo_cols]
        # An unstressed vowel written as heard («космас», «физеке», «astranomiya»): one key per
        # word with o/a and e/i merged, for words long enough not to collide by chance.
        self._by_vowels: dict[str, list[int]] = {}
        for w in self._typo_words:
            if len(w) >= MIN_TYPO_LEN:
                self._by_vowels.setdefault(reduced(w), []).append(vocab[w])
        self._cache: dict[str, tuple[tuple[int, float], ...]] = {}

    def clear_cache(self) -> None:
        """Forget remembered word similarities (benchmarks measure the cold path with it)."""
        self._cache.clear()

    def similar(self, stems: Iterable[str]) -> None:
        """Compare new stems with the vocabulary in one vectorised pass and remember the result."""
        new = [s for s in dict.fromkeys(stems) if s not in self._cache]
        if not new:
            return
        fuzzy = [s for s in new if _fuzzy_ok(s) and s not in self.off_only]
        workers = -1 if len(fuzzy) >= 256 else 1  # starting threads costs more than small work
        for s in new:
            exact = self.vocab_ids.get(s)
            self._cache[s] = ((exact, 1.0),) if exact is not None else ()
        if not fuzzy or not self._long_words:
            return
        prefix = process.cdist(
            fuzzy, self._long_words, scorer=Prefix.similarity, dtype=np.int32, workers=workers
        )
        q_len = np.array([len(s) for s in fuzzy], dtype=np.int32)[:, None]
        v_len = self._long_len[None, :]
        shorter = np.minimum(q_len, v_len)
        longer = np.maximum(q_len, v_len)
        # Candidates for "same stem, other endings"; the endings themselves are checked below.
        # A 4-letter common prefix is too little for a long ending ("geode", "geodinam").
        by_prefix = (
            (prefix >= MIN_FUZZY_LEN)
            & (prefix >= shorter - 1)
            & (longer - prefix <= np.where(prefix == MIN_FUZZY_LEN, 2, 5))
        )
        found: dict[str, list[tuple[int, float]]] = {}
        # A word the vocabulary knows, as it is or with other endings, is not a typo of another
        # one: "Ghalam" is not "ғалам", "платаларын" (boards) not "планеталар" (planets).
        known = np.array([s in self.vocab_ids for s in fuzzy])
        rows, cols = np.nonzero(by_prefix)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b, p = fuzzy[r], self._long_words[c], int(prefix[r, c])
            if is_ending(a[p:]) and is_ending(b[p:]):
                found.setdefault(a, []).append((int(self._long_idx[c]), PREFIX_SIM))
                known[r] = True
        for r in np.flatnonzero(~known).tolist():
            a = fuzzy[r]
            if len(a) >= MIN_TYPO_LEN:
                for v in self._by_vowels.get(reduced(a), ()):
                    # One vowel heard wrong, not two ("rabot" is not "robot").
                    if sum(x != y for x, y in zip(a, self.vocab[v], strict=True)) == 1:
                        found.setdefault(a, []).append((v, TYPO_SIM))
        typo_words, typo_cols = self._typo_words, self._typo_cols
        ratio = process.cdist(
            fuzzy, typo_words, scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=80, workers=workers
        )
        shorter = shorter[:, typo_cols]
        # One substitution is a typo in a long word but another word in a short one. Typos keep
        # the first letter; long words that only share their ending are different words
        # ("геодинамика", "термодинамика").
        need = np.where(shorter <= 6, 88, np.where(shorter <= 8, 85, 80))
        # In a 5-letter stem only the end may differ ("музыка" is not "мұздық").
        typo_ok = (
            (shorter >= MIN_TYPO_LEN)
            & (prefix[:, typo_cols] >= np.where(shorter == 5, 4, 1))
            & ~known[:, None]
        )
        by_ratio = np.where(typo_ok & (ratio >= need), ratio.astype(np.float32) / 100, 0).astype(
            np.float32
        )
        # Two swapped letters are one typo: OSA counts them as one edit, Levenshtein as two.
        osa = process.cdist(
            fuzzy, typo_words, scorer=OSA.distance, dtype=np.int32, workers=workers,
            score_cutoff=1,
        )  # fmt: skip
        swapped = (osa == 1) & typo_ok
        if swapped.any():
            lev = process.cdist(
                fuzzy, typo_words, scorer=Levenshtein.distance, dtype=np.int32,
                workers=workers, score_cutoff=2,
            )  # fmt: skip
            by_ratio = np.where(swapped & (lev == 2), np.maximum(by_ratio, TYPO_SIM), by_ratio)
        rows, cols = np.nonzero(by_ratio)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            v = int(self._long_idx[typo_cols[c]])
            found.setdefault(fuzzy[r], []).append((v, float(by_ratio[r, c])))
        for s, hits in found.items():
            best: dict[int, float] = dict(self._cache[s])
            for v, score in hits:
                best[v] = max(best.get(v, 0.0), score)
            self._cache[s] = tuple(best.items())
        if len(self._cache) > 500_000:  # bounded: bulk runs over generated text must not grow it
            self._cache.clear()

    def mentions(
        self, text: str, tokens: Sequence[Token] | None = None, wants: Intent | None = None
    ) -> list[TopicMention]:
        """Topics the text mentions, best first, one mention per topic.

        Besides the taxonomy's topics, the mentions name exhibitors ("org:<slug>") and fields
        no exhibitor works in ("off:<id>"). `wants` is the text's `intent` (computed when not
        given).
        """
        tokens = tokenize(text) if tokens is None else tokens
        if not tokens:
            return []
        self.similar(s for t in tokens for s in (t.stem, t.alt) if s is not None)
        hits: dict[int, list[tuple[int, float]]] = {}
        for pos, tok in enumerate(tokens):
            if _fuzzy_ok(tok.stem):
                scores = dict(self._cache[tok.stem])
                if tok.alt is not None:
                    for v, score in self._cache[tok.alt]:
                        scores[v] = max(score, scores.get(v, 0.0))
            else:  # short words match exactly; in Cyrillic, only words written in Cyrillic
                keys = (CYRILLIC + tok.stem,) if not tok.latin else (tok.stem, CYRILLIC + tok.stem)
                scores = {self.vocab_ids[k]: 1.0 for k in keys if k in self.vocab_ids}
            if any(sc == 1.0 and self.vocab[v] not in self.off_only for v, sc in scores.items()):
                # A word of the fair's own vocabulary is not a form of an off-domain word
                # ("жұлдыз" is not "жұлдызнама", "physics" not "physician").
                scores = {
                    v: sc
                    for v, sc in scores.items()
                    if sc == 1.0 or self.vocab[v] not in self.off_only
                }
            for v, score in scores.items():
                hits.setdefault(v, []).append((pos, score))
        sentence = [tok.sentence for tok in tokens]
        candidates: set[int] = set()
        for v in hits:
            candidates.update(self.by_vocab[v])
        found = []
        for a in candidates:
            latin = self.alias_latin[a]
            own = hits
            if latin is not None:
                own = {}
                for v, want in zip(self.aliases[a][1], latin, strict=True):
                    same = [(p, sc) for p, sc in hits.get(v, ()) if tokens[p].latin == want]
                    if same:
                        own[v] = same
            hit = self._alias_hit(a, own, sentence)
            if hit is not None:
                found.append(hit)
        found = _drop_subsumed(found, self.weights, self.first_org, self.first_off)
        if any(h.topic >= self.first_off for h in found):
            # The text speaks of a field no exhibitor works in: words with an everyday sense
            # there ("stars", "engines") are taken in that sense, unless their own sentence
            # also speaks of the fair's fields plainly ("ML to classify galaxies").
            plain = {
                sentence[min(h.positions)]
                for h in found
                if h.topic < self.first_off and not h.ambiguous
            }
            found = [h for h in found if not h.ambiguous or sentence[min(h.positions)] in plain]
            # In a clause about a game, a film, a show or a horoscope the fair's words are its
            # content ("building rockets in KSP", «влияние планет»), unless the sentence also
            # speaks of studying or working.
            told = {tokens[min(h.positions)].clause for h in found if h.topic in self.leisure}
            if told:
                wants = intent(text) if wants is None else wants
                career = wants.career_sentences
                found = [
                    h
                    for h in found
                    if h.topic >= self.first_org
                    or tokens[min(h.positions)].clause not in told
                    or sentence[min(h.positions)] in career
                ]
        best: dict[int, _AliasHit] = {}
        for h in found:
            cur = best.get(h.topic)
            if cur is None or (h.strength, h.length) > (cur.strength, cur.length):
                best[h.topic] = h
        out = []
        for t, h in best.items():
            start = min(tokens[p].start for p in h.positions)
            end = max(tokens[p].end for p in h.positions)
            out.append(TopicMention(self.topic_ids[t], text[start:end], h.strength, start, end))
        out.sort(key=lambda m: (-m.strength, m.start))
        return out

    def _alias_hit(
        self, alias: int, hits: dict[int, list[tuple[int, float]]], sentence: Sequence[int]
    ) -> _AliasHit | None:
        topic, ids = self.aliases[alias]
        if any(v not in hits for v in ids):
            return None
        ambiguous = self.alias_ambiguous[alias]
        if len(ids) == 1:
            pos, score = max(hits[ids[0]], key=lambda h: h[1])
            return _AliasHit(topic, frozenset((pos,)), score, 1, ambiguous)
        best: _AliasHit | None = None
        window = len(ids)
        for anchor, anchor_score in hits[ids[0]]:
            chosen = [anchor]
            total = anchor_score
            for v in ids[1:]:
                # The words of an alias stand in one sentence ("...space programme. Anything
                # for non-engineers?" is not "space engineering").
                options = [
                    (p, s)
                    for p, s in hits[v]
                    if p not in chosen
                    and abs(p - anchor) <= window
                    and sentence[p] == sentence[anchor]
                ]
                if not options:
                    break
                p, s = max(options, key=lambda h: (h[1], -abs(h[0] - anchor)))
                chosen.append(p)
                total += s
            else:
                span = max(chosen) - min(chosen)
                # Adjacent words in any order ("связь спутниковая"); one other word in between
                # only in the alias's own order ("обработка космических снимков").
                if span < len(ids) or (span == len(ids) and chosen == sorted(chosen)):
                    hit = _AliasHit(topic, frozenset(chosen), total / len(ids), len(ids), ambiguous)
                    if best is None or hit.strength > best.strength:
                        best = hit
        return best


def _is_listed(key: tuple[str, ...], listed: set[tuple[str, ...]]) -> bool:
    """`key` is one of `listed`, or a one-word form of one ("галактикалар" of "галактика")."""
    if key in listed:
        return True
    if len(key) != 1:
        return False
    (word,) = key
    for other in listed:
        if len(other) == 1:
            p = Prefix.similarity(word, other[0])
            if p >= MIN_FUZZY_LEN and is_ending(word[p:]) and is_ending(other[0][p:]):
                return True
    return False


def _fuzzy_ok(s: str) -> bool:
    return len(s) >= MIN_FUZZY_LEN and not any(c.isdigit() for c in s)


# A short word typed in Cyrillic is another word than a Latin abbreviation that folds the
# same («ТЭЦ», a power plant, is not TEC; «ай», the moon, not AI): the vocabulary keeps short
# words of Cyrillic aliases under their own key. Latin-typed words match both ("dzz" is ДЗЗ).
CYRILLIC = "\u0416:"


def _vocab_key(tok: Token) -> str:
    return tok.stem if tok.latin or _fuzzy_ok(tok.stem) else CYRILLIC + tok.stem


def _drop_subsumed(
    hits: list[_AliasHit], weights: Sequence[float], first_org: int, first_off: int
) -> list[_AliasHit]:
    """Drop a match inside (or sharing a word with) a longer match of another topic that is at
    least as specific: "space" inside "space weather" goes, "research" inside "space research"
    stays. The words
    that name an exhibitor name it, whatever else they could mean. Between the fair's fields
    and the others the longer phrase decides the sense: "star" inside "pop star" goes, and so
    does "law" inside "space law"."""
    if len(hits) < 2:
        return hits

    def is_org(h: _AliasHit) -> bool:
        return first_org <= h.topic < first_off

    def covers(o: _AliasHit, h: _AliasHit) -> bool:
        if o.topic == h.topic:
            return False
        if is_org(o) and not is_org(h) and h.positions <= o.positions:
            return True
        # A word has one sense: of two phrases that share it, the longer one keeps it
        # ("solnechno-zemnye svyazi i kosmicheskaya pogoda" is not "svyazi i kosmicheskaya").
        inside = h.positions < o.positions or (
            len(o.positions) > len(h.positions) and bool(h.positions & o.positions)
        )
        if not (inside and o.strength >= h.strength * 0.9):
            return False
        if (o.topic >= first_off) != (h.topic >= first_off):
            return True
        return weights[o.topic] >= weights[h.topic]

    return [h for h in hits if not any(covers(o, h) for o in hits)]


@dataclass
class _Evidence:
    vector: FloatArray  # per taxonomy topic
    reasons: dict[int, Reason] = field(default_factory=dict)
    named: dict[int, tuple[float, Reason]] = field(default_factory=dict)  # exhibitor -> evidence
    off: dict[int, float] = field(default_factory=dict)  # off-domain field -> weighted evidence
    # Weighted evidence of words that were said but point to no interest (a customer's).
    idle: float = 0.0

    def off_total(self) -> float:
        return sum(self.off.values())


class MatchEngine:
    """Matches student profiles against one catalogue; everything per catalogue is precomputed."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.index = TopicIndex(catalogue)
        self.n_topics = len(catalogue.topics)
        # Index entries are the taxonomy's topics, then one per exhibitor (its names), then
        # one per off-domain field.
        self.topic_pos = {tid: i for i, tid in enumerate(catalogue.topics)}
        self.weights = np.array([t.weight for t in catalogue.topics.values()], dtype=np.float32)
        self.broader = [
            [self.topic_pos[b] for b in t.broader if b in self.topic_pos]
            for t in catalogue.topics.values()
        ]
        self.exhibitors: list[Exhibitor] = list(catalogue.exhibitors.values())
        n_orgs = len(self.exhibitors)
        self.affinity = np.zeros((n_orgs, self.n_topics), dtype=np.float32)
        self._opening_count = np.zeros_like(self.affinity)
        self._kind_topics = {k: np.zeros_like(self.affinity) for k in OPENING_KINDS}
        self._opening_langs = np.zeros((n_orgs, len(LANGS)), dtype=np.float32)
        self._opening_topics: list[list[list[int]]] = []
        for o, ex in enumerate(self.exhibitors):
            for tid in ex.all_topics():  # topics only an opening names count least
                self.affinity[o, self.topic_pos[tid]] = OPENING_ONLY
            for tid in ex.secondary_topics:
                self.affinity[o, self.topic_pos[tid]] = SECONDARY
            for tid in ex.topics:
                self.affinity[o, self.topic_pos[tid]] = CORE
            per_opening = [[self.topic_pos[t] for t in op.topics] for op in ex.openings]
            self._opening_topics.append(per_opening)
            for op, tops in zip(ex.openings, per_opening, strict=True):
                self._opening_count[o, tops] += 1
                self._kind_topics[op.kind][o, tops] = 1
                for lang in op.languages:
                    self._opening_langs[o, LANGS.index(lang)] = 1
        self._core = (self.affinity == CORE).astype(np.float32)
        self._has_openings = self._opening_langs.sum(axis=1) > 0
        self._seeking_cache: dict[frozenset[OpeningKind], FloatArray] = {}

    # -- topics -------------------------------------------------------------------------------

    def topics_in(self, text: str) -> list[TopicMention]:
        """The taxonomy topics a free text mentions, strongest first (for statistics, previews)."""
        return [
            m for m in self.index.mentions(text) if not m.topic.startswith((ORG_PREFIX, OFF_PREFIX))
        ]

    def off_domain_in(self, text: str) -> list[TopicMention]:
        """Fields no exhibitor works in that a free text mentions (for statistics: what else
        students ask about), strongest first; `topic` is the field's id."""
        return [
            TopicMention(m.topic[len(OFF_PREFIX) :], m.words, m.strength, m.start, m.end)
            for m in self.index.mentions(text)
            if m.topic.startswith(OFF_PREFIX)
        ]

    def _evidence(self, profile: StudentProfile) -> _Evidence:
        ev = _Evidence(np.zeros(self.n_topics, dtype=np.float32))

        def add(t: int, strength: float, reason: Reason) -> None:
            if t >= self.index.first_off:  # a field no exhibitor works in
                evidence = strength * self.index.weights[t]
                ev.off[t] = max(ev.off.get(t, 0.0), evidence)
            elif t >= self.n_topics:  # the student named an exhibitor
                o = t - self.n_topics
                if strength > ev.named.get(o, (0.0, reason))[0]:
                    ev.named[o] = (strength, reason)
            elif strength > ev.vector[t]:
                ev.vector[t] = strength
                ev.reasons[t] = reason

        texts: tuple[tuple[ReasonSource, str], ...] = (
            ("text", profile.interests),
            ("field", profile.field_of_study),
        )
        found: list[tuple[int, float, Reason, bool]] = []
        wants = intent(profile.interests)
        for source, text in texts:
            if text:
                others = others_spans(text)
                for m in self.index.mentions(text, wants=wants if source == "text" else None):
                    about_others = any(start <= m.start < end for start, end in others)
                    found.append(
                        (
                            self.index.position[m.topic],
                            m.strength * SOURCE_WEIGHT[source],
                            Reason(m.topic, m.words, source),
                            about_others,
                        )
                    )
        # What is said about someone else counts little next to what the student says about
        # themselves; when that is all there is (asking for a friend), it counts in full.
        own = bool(profile.topics) or not all(about_others for *_, about_others in found)
        # A customer asking for a service (a tariff, a repair, a price) names products, not
        # interests, unless they also speak of studying or working.
        customer = wants.consumer and not (wants.career or profile.field_of_study)
        for t, strength, reason, about_others in found:
            if own and about_others:
                strength *= OTHERS_SHARE
            if customer and t < self.index.first_off:
                # Still part of what was said: the rest weighs in every share.
                ev.idle += (1 - CUSTOMER_SHARE) * strength * self.index.weights[t]
                strength *= CUSTOMER_SHARE
            add(t, strength, reason)
        for tid in profile.topics:
            if tid in self.topic_pos:
                name = self.catalogue.topics[tid].name.get(profile.lang)
                add(self.topic_pos[tid], SOURCE_WEIGHT["topic"], Reason(tid, name, "topic"))
        for t, reason in list(ev.reasons.items()):
            for parent in self.broader[t]:
                share = float(ev.vector[t]) * BROADER_SHARE
                if share > ev.vector[parent]:
                    ev.vector[parent] = share
                    ev.reasons[parent] = Reason(
                        self.index.topic_ids[parent], reason.words, reason.source
                    )
        return ev

    # -- matching -----------------------------------------------------------------------------

    def match(self, profile: StudentProfile, top: int | None = None) -> list[Match]:
        """Exhibitors above the cut-off, best first (at most `top`)."""
        return self.match_many([profile], top=top)[0]

    def match_many(
        self, profiles: Sequence[StudentProfile], top: int | None = None
    ) -> list[list[Match]]:
        """Bulk matching: identical profiles are matched once, scores computed as matrices."""
        unique: dict[tuple[object, ...], int] = {}
        order = [unique.setdefault(p.key(), len(unique)) for p in profiles]
        firsts: dict[int, StudentProfile] = {}
        for p, u in zip(profiles, order, strict=True):
            firsts.setdefault(u, p)
        distinct = [firsts[u] for u in range(len(unique))]
        if len(distinct) > 1:  # one vectorised pass over every new word of the batch
            self.index.similar(
                s
                for p in distinct
                for t in (*tokenize(p.interests), *tokenize(p.field_of_study))
                for s in (t.stem, t.alt)
                if s is not None
            )
        results: list[list[Match]] = []
        chunk = 2048
        for lo in range(0, len(distinct), chunk):
            batch = distinct[lo : lo + chunk]
            results.extend(self._rank(batch, [self._evidence(p) for p in batch], top))
        return [results[u] for u in order]

    def _seeking_mask(self, seeking: frozenset[OpeningKind]) -> FloatArray:
        mask = self._seeking_cache.get(seeking)
        if mask is None:
            mask = np.zeros_like(self.affinity)
            for kind in seeking:
                mask = np.maximum(mask, self._kind_topics[kind])
            self._seeking_cache[seeking] = mask
        return mask

    def _rank(
        self, profiles: Sequence[StudentProfile], evidence: Sequence[_Evidence], top: int | None
    ) -> list[list[Match]]:
        if not profiles:
            return []
        ev = np.stack([e.vector for e in evidence]) * self.weights  # (profiles, topics)
        numerator = ev @ self.affinity.T  # (profiles, exhibitors)
        total = ev.sum(axis=1)
        for i, e in enumerate(evidence):
            for o, (strength, _) in e.named.items():
                numerator[i, o] += strength
                total[i] += strength
            # What the student said about fields no exhibitor works in is part of what they
            # said: it lowers every share, so that a text mostly about them gets no match.
            total[i] += OFF_WEIGHT * e.off_total() + e.idle
        scores = 100.0 * numerator / np.maximum(total, MIN_EVIDENCE)[:, None]
        scores[numerator <= 0] = 0.0
        present = (ev > 0).astype(np.float32)
        for i, p in enumerate(profiles):
            if p.seeking:  # an opening of the wanted kind in the student's topics
                wanted = (self._seeking_mask(p.seeking) @ present[i]) > 0
                scores[i, wanted] *= SEEKING_BONUS
            if p.languages:  # openings exist, but none in a language the student works in
                langs = np.array([lang in p.languages for lang in LANGS], dtype=np.float32)
                mute = self._has_openings & ((self._opening_langs @ langs) == 0)
                scores[i, mute] *= LANGUAGE_MALUS
        np.minimum(scores, 100.0, out=scores)
        scores = np.round(scores.astype(np.float64), 1)
        core = ev @ self._core.T
        openings = ev @ self._opening_count.T
        out: list[list[Match]] = []
        for i, profile in enumerate(profiles):
            row = scores[i]
            candidates = np.flatnonzero(row >= MIN_SCORE)
            if candidates.size == 0:
                out.append([])
                continue
            # Best score first; ties go to more core topics, then more openings, then file order.
            ranked = candidates[
                np.lexsort(
                    (candidates, -openings[i, candidates], -core[i, candidates], -row[candidates])
                )
            ]
            if top is not None:
                ranked = ranked[:top]
            out.append(
                [self._build(int(o), float(row[o]), profile, evidence[i], ev[i]) for o in ranked]
            )
        return out

    def _build(
        self, o: int, score: float, profile: StudentProfile, evidence: _Evidence, ev: FloatArray
    ) -> Match:
        ex = self.exhibitors[o]
        contrib = self.affinity[o] * ev
        topics = np.flatnonzero(contrib)
        order = topics[np.argsort(-contrib[topics], kind="stable")]
        reasons = [evidence.reasons[t] for t in order.tolist() if t in evidence.reasons]
        if o in evidence.named:
            reasons.insert(0, evidence.named[o][1])
        ranked: list[tuple[tuple[bool, bool, float], Opening]] = []
        for op, tops in zip(ex.openings, self._opening_topics[o], strict=True):
            relevance = float(ev[tops].sum())
            if relevance <= 0:
                continue
            wanted = not profile.seeking or op.kind in profile.seeking
            speaks = not profile.languages or bool(profile.languages.intersection(op.languages))
            ranked.append(((wanted, speaks, relevance), op))
        ranked.sort(key=lambda r: r[0], reverse=True)
        openings = tuple(op for _, op in ranked[:MAX_OPENINGS])
        return Match(ex.slug, score, openings, tuple(reasons))
