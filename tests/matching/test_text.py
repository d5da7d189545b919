"""Normalisation, script folding, stemming and stop words."""

from __future__ import annotations

import pytest

from matching.text import fold, intent, is_ending, normalize, others_spans, reduced, stems, tokenize


def test_normalize_nfkc_casefold_and_yo() -> None:
    assert normalize("ＳＴＡＲＳ") == "stars"  # full-width letters
    assert normalize("Звёзды") == "звезды"
    assert normalize("ﬁber") == "fiber"  # ligature


def test_punctuation_and_emoji_separate_words() -> None:
    text = "🚀 Ракеты!!! и… спутники 🛰️, GIS/ГИС"
    words = [text[t.start : t.end] for t in tokenize(text)]
    assert words == ["Ракеты", "спутники", "GIS", "ГИС"]


def test_tokens_keep_positions_in_the_original_text() -> None:
    text = "I love  Telescopes"
    (token,) = tokenize(text)
    assert text[token.start : token.end] == "Telescopes"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("спутниковая связь", "sputnikovaya svyaz"),
        ("спутниковая связь", "sputnikovaia sviaz"),
        ("космическая погода", "kosmicheskaya pogoda"),
        ("ионосфера", "ionosfera"),
        ("землетрясения", "zemletryaseniya"),
        ("обработка снимков", "obrabotka snimkov"),
        ("жұлдыздар", "zhuldyzdar"),
        ("жұлдыздар", "juldyzdar"),
        ("қашықтықтан зондтау", "qashyqtyqtan zondtau"),
        ("ғарыш", "garysh"),
        ("ғарыш", "ğaryş"),
        ("щука", "shchuka"),
        ("хочу", "khochu"),
        ("хочу", "hochu"),
        ("цех", "tseh"),
    ],
)
def test_cyrillic_and_latin_typed_forms_fold_to_one_key(cyrillic: str, latin: str) -> None:
    assert [fold(normalize(w)) for w in cyrillic.split()] == [
        fold(normalize(w)) for w in latin.split()
    ]


def test_doubled_letters_merge_in_words_but_not_in_abbreviations() -> None:
    assert fold("commmunication") == fold("communication")
    assert fold("iitu") != fold("itu")


@pytest.mark.parametrize(
    ("forms", "lang"),
    [
        (["спутник", "спутники", "спутников", "спутниками"], "ru"),
        (["ракета", "ракеты", "ракету"], "ru"),
        (["satellite", "satellites"], "en"),
        (["telescope", "telescopes"], "en"),
    ],
)
def test_inflected_forms_share_a_stem(forms: list[str], lang: str) -> None:
    found = {stems(f)[0] for f in forms}
    # Equal, or one is the other plus endings: the engine treats both as the same word.
    base = min(found, key=len)
    assert all(s == base or (s.startswith(base) and is_ending(s[len(base) :])) for s in found), (
        lang,
        found,
    )


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("жұлдыздарды", "жұлдыз"),
        ("спутниктерді", "спутник"),
        ("ғарыштық", "ғарыш"),
        ("зерттеулер", "зерттеу"),
    ],
)
def test_kazakh_suffix_chains_reduce_to_their_base(word: str, base: str) -> None:
    (s,) = stems(word)
    (b,) = stems(base)
    assert s.startswith(b[:4])
    assert s == b or (s.startswith(b) and is_ending(s[len(b) :]))


def test_stop_words_of_all_three_languages_are_dropped() -> None:
    assert stems("I want to work with the stars") == stems("stars")
    assert stems("хочу работать и заниматься звездами") == stems("звездами")
    assert stems("мен жұлдыздарды зерттегім келеді") == stems("жұлдыздарды зерттегім")
    assert stems("hochu rabotat") == []  # Latin-typed Russian stop words too


def test_programming_languages_with_symbols_survive() -> None:
    assert stems("C++ and C#") == ["cpp", "csharp"]


def test_endings_are_short_chains_of_known_suffixes() -> None:
    assert is_ending("terdi")  # ter + di
    assert is_ending("ani")  # a + ni
    assert is_ending("")
    assert not is_ending("ism")  # three single letters: "mechanics" is not "mechanisms"
    assert not is_ending("navt")  # "kosmos" is not "kosmonavt"


@pytest.mark.parametrize(
    ("text", "about_others"),
    [
        (
            "I'm a nurse, came with my friend who studies physics. Anything here?",
            [" who studies physics"],
        ),
        ("my brother studies physics and I study astronomy", [" studies physics and "]),
        ("Мой брат физик, а я хочу в ДЗЗ", [" физик, "]),
        ("Досыммен бірге келдім, ол физик. Маған не бар?", [" бірге келдім, ол физик"]),
        ("Әкем ұшқыш, бірақ мен спутниктерді жобалағым келеді", [" ұшқыш, "]),
        ("I want to work on satellites", []),
        ("мамандығым — ғарыштық техника", []),  # «мама» is not in «мамандық»
    ],
)
def test_others_spans(text: str, about_others: list[str]) -> None:
    assert [text[a:b] for a, b in others_spans(text)] == about_others


def test_tokens_know_their_sentence() -> None:
    tokens = tokenize("space research. Anything for engineers? Satellites; rockets")
    assert [t.sentence for t in tokens] == [0, 0, 1, 2, 3]


def test_kazakh_reading_of_cyrillic_without_kazakh_letters() -> None:
    (token,) = tokenize("сахнада")
    assert token.alt is not None
    assert token.alt == stems("сахна")[0] or is_ending(token.alt[len(stems("сахна")[0]) :])


def test_a_contrast_starts_a_new_clause() -> None:
    tokens = tokenize("I read horoscopes for fun, but I study astrophysics. Stars")
    assert [t.clause for t in tokens] == [0, 0, 0, 1, 2]
    assert [t.sentence for t in tokens] == [0, 0, 0, 0, 1]


def test_reduced_vowels() -> None:
    assert reduced(fold("космас")) == reduced(fold("космос"))
    assert reduced(fold("физеке")) == reduced(fold("физике"))


@pytest.mark.parametrize(
    ("text", "career", "consumer"),
    [
        ("I want to work on satellites", True, False),
        ("my phone plan is too expensive, which operator is best?", False, True),
        ("у бабушки не показывает спутниковое тв, куда обращаться?", False, True),
        ("Үйдегі теледидар жұмыс істемейді", False, True),  # "doesn't work" is no career
        ("Ғарыш саласында жұмыс істегім келеді", True, False),
        ("хачу работать в космасе", True, False),  # a vowel written as heard
        ("hochu rabotat v kosmose", True, False),  # Latin-typed Russian
        ("спутник тарелкасын қайдан сатып алуға болады?", False, True),  # Kazakh endings
        ("a controller in a mission control room", False, False),  # "room" is not "roaming"
        ("тариф для интернета", False, True),  # «интернет» is not "intern"
        ("kakoi operator luchshe dlya interneta?", False, True),  # nor is "interneta"
        ("I study radio engineering; my satellite TV doesn't work", True, True),
    ],
)
def test_intent(text: str, career: bool, consumer: bool) -> None:
    found = intent(text)
    assert (found.career, found.consumer) == (career, consumer)


def test_intent_knows_the_sentences_of_career_words() -> None:
    assert intent("I play KSP. I want to study orbital mechanics").career_sentences == {1}
