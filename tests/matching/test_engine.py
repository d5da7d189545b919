"""Ranking, abstention, reasons, profile fields and bulk matching of the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.catalogue import Catalogue, load_catalogue
from matching.engine import Match, MatchEngine, Reason, StudentProfile


def _orgs(engine: MatchEngine, text: str, **kw: object) -> list[str]:
    return [m.org for m in engine.match(StudentProfile(interests=text, **kw))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("satellite communications and Ku-band", "rcsc"),
        ("хочу заниматься обработкой космических снимков и ГИС", "garysh-sapary"),
        ("sputnikovaya svyaz", "rcsc"),
        ("жұлдыздарды зерттегім келеді", "fesenkov"),
        ("ionosfera i kosmicheskaya pogoda", "ionosphere"),
        ("rocket engines and launch pads", "baiterek"),
        ("ADCS", "ghalam"),
        ("ДЗЗ", "garysh-sapary"),
        ("astronmy and telescops", "fesenkov"),
        ("I want to work at Baiterek", "baiterek"),
    ],
)
def test_first_match(engine: MatchEngine, text: str, first: str) -> None:
    assert _orgs(engine, text)[0] == first


@pytest.mark.parametrize(
    "text", ["I like cooking and football", "asdf", "12345", "", "😀😀", "бухгалтерия и налоги"]
)
def test_off_topic_gives_no_matches(engine: MatchEngine, text: str) -> None:
    assert _orgs(engine, text) == []


def test_scores_are_0_to_100_and_sorted(engine: MatchEngine) -> None:
    matches = engine.match(StudentProfile(interests="rockets, satellites and telescopes"))
    scores = [m.score for m in matches]
    assert len(matches) >= 3
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)


def test_a_specific_topic_outranks_a_generic_one(engine: MatchEngine) -> None:
    # "ionosphere" is specific, "programming" generic: the institute wins though both are named.
    assert _orgs(engine, "programming and the ionosphere")[0] == "ionosphere"


def test_top_limits_the_list(engine: MatchEngine) -> None:
    profile = StudentProfile(interests="rockets, satellites and telescopes")
    assert len(engine.match(profile, top=2)) == 2


def test_reasons_name_the_students_words(engine: MatchEngine, catalogue: Catalogue) -> None:
    (m, *_) = engine.match(StudentProfile(interests="Хочу: спутниковая связь!", lang="ru"))
    assert m.org == "rcsc"
    assert m.reasons[0] == Reason("satcom", "спутниковая связь", "text")
    assert m.reasons[0].render("ru", catalogue) == "«спутниковая связь» → Спутниковая связь"
    assert m.reasons[0].render("en", catalogue) == "“спутниковая связь” → Satellite communications"
    assert m.reasons[0].render("kk", catalogue) == "«спутниковая связь» → Спутниктік байланыс"
    assert m.reasons[0].parts("en", catalogue) == ("спутниковая связь", "Satellite communications")


def test_a_named_exhibitor_is_a_reason(engine: MatchEngine, catalogue: Catalogue) -> None:
    (m,) = engine.match(StudentProfile(interests="I want to work at Ghalam"))
    assert m.org == "ghalam"
    assert m.reasons[0].render("en", catalogue) == "“Ghalam” → Ghalam LLP"


def test_picked_topics_and_field_of_study_count(engine: MatchEngine, catalogue: Catalogue) -> None:
    picked = engine.match(StudentProfile(topics=["geomagnetism"], lang="kk"))
    assert picked[0].org == "ionosphere"
    assert picked[0].reasons[0].source == "topic"
    assert picked[0].reasons[0].render("kk", catalogue) == "Геомагнетизм"
    field = engine.match(StudentProfile(field_of_study="Astrophysics"))
    assert field[0].org == "fesenkov"
    assert field[0].reasons[0].source == "field"
    assert engine.match(StudentProfile(topics=["no-such-topic"])) == []


def test_seeking_orders_openings_but_never_creates_a_match(engine: MatchEngine) -> None:
    theses = engine.match(StudentProfile(interests="astrophysics", seeking=frozenset({"thesis"})))
    assert theses[0].org == "fesenkov"
    assert theses[0].openings[0].kind == "thesis"
    internships = engine.match(
        StudentProfile(interests="astrophysics", seeking=frozenset({"internship"}))
    )
    assert internships[0].openings[0].kind == "internship"
    off = StudentProfile(
        interests="football", seeking=frozenset({"job"}), languages=frozenset({"en"})
    )
    assert engine.match(off) == []


def test_languages_prefer_openings_the_student_can_work_in(engine: MatchEngine) -> None:
    (m, *_) = engine.match(
        StudentProfile(interests="satellite AIT and onboard software", languages=frozenset({"kk"}))
    )
    assert m.org == "ghalam"
    assert "kk" in m.openings[0].languages


def test_match_many_equals_match_one_by_one(engine: MatchEngine) -> None:
    texts = ["stars", "ГИС", "asdf", "stars", "zymyran qozgaltqyshtary", "ионосфера"]
    profiles = [StudentProfile(interests=t) for t in texts]
    bulk = engine.match_many(profiles, top=3)
    single = [engine.match(p, top=3) for p in profiles]
    assert bulk == single
    assert bulk[0] == bulk[3]
    assert bulk[2] == []


def test_topics_in_extracts_topics_for_statistics(engine: MatchEngine) -> None:
    mentions = engine.topics_in("I like rockets, GIS and the ionosphere; also Baiterek")
    assert {m.topic for m in mentions} == {"rockets", "gis", "ionosphere"}
    gis = next(m for m in mentions if m.topic == "gis")
    assert gis.words == "GIS"


def test_an_alias_added_in_yaml_is_picked_up_without_code(data_copy: Path) -> None:
    before = MatchEngine(load_catalogue(data_copy))
    assert before.match(StudentProfile(interests="heliosphere")) == []
    topics = data_copy / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(
        text.replace(
            "    en: [space weather, solar activity,",
            "    en: [heliosphere, space weather, solar activity,",
        ),
        encoding="utf-8",
    )
    after = MatchEngine(load_catalogue(data_copy))
    matches: list[Match] = after.match(StudentProfile(interests="heliosphere"))
    assert matches[0].org == "ionosphere"


def test_alias_words_must_stand_together(engine: MatchEngine) -> None:
    # "solar system" is an astronomy alias; "systems for smallsats: solar arrays" is not it.
    topics = {m.topic for m in engine.topics_in("power systems for smallsats: solar arrays")}
    assert "astronomy" not in topics
    assert "power-systems" in topics
    # Swapped neighbours and one word in between (in order) still match.
    assert {m.topic for m in engine.topics_in("связь спутниковая")} == {"satcom"}
    assert "image-processing" in {
        m.topic for m in engine.topics_in("обработка космических снимков")
    }


def test_words_of_different_meaning_do_not_match_as_typos(engine: MatchEngine) -> None:
    assert engine.topics_in("геодинамика")[0].topic == "seismology"
    assert all(m.topic != "propulsion" for m in engine.topics_in("геодинамика"))
    assert engine.topics_in("IITU graduate") == []  # not ITU, the spectrum regulator


def test_exhibitor_names_match_in_their_own_script(engine: MatchEngine) -> None:
    # «ғалам» is the universe; the company writes its name Ghalam.
    assert _orgs(engine, "ғаламның пайда болуы")[0] == "fesenkov"
    assert _orgs(engine, "Ghalam")[0] == "ghalam"
    assert _orgs(engine, "Байтерекке барғым келеді") == ["baiterek"]


def test_latin_typed_kazakh_endings(engine: MatchEngine) -> None:
    assert _orgs(engine, "bolashaqta zhuldyzdardy zerttegim keledi")[0] == "fesenkov"
    assert _orgs(engine, "gharyshtyq zertteulermen ainalysqym keledi")[0] == "ncsrt"


# -- negative evidence: fields no exhibitor works in --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I'm a nursing student, came with my friend who studies physics. Anything for healthcare?",
        "culinary school grad, I cook at a restaurant. heard astronauts eat from tubes",
        "I want to open a space-themed coffee shop",
        "Мен тігіншімін, ғарыш тақырыбындағы көйлектер тігемін",
    ],
)
def test_a_text_mostly_about_other_fields_gets_no_match(engine: MatchEngine, text: str) -> None:
    assert _orgs(engine, text) == []


def test_other_fields_lower_the_share_but_keep_the_ranking(engine: MatchEngine) -> None:
    plain = engine.match(StudentProfile(interests="radio astronomy and pulsars"))
    mixed = engine.match(
        StudentProfile(
            interests="I love cooking, but my real passion is radio astronomy and pulsars"
        )
    )
    assert [m.org for m in mixed] == [m.org for m in plain][: len(mixed)]
    assert mixed[0].org == "fesenkov"
    assert mixed[0].score < plain[0].score


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("who's the biggest pop star in KZ?", "astronomy"),
        ("I like Star Wars movies", "astronomy"),
        ("хочу стать звездой эстрады", "astronomy"),
        ("Жұлдыз жорамалы бойынша мен Егіздермін", "astronomy"),
        ("гороскопы и натальные карты", "gis"),
        ("Ұшқыш болғым келеді, азаматтық авиация", "aerospace-engineering"),
    ],
)
def test_a_phrase_of_another_field_takes_its_words_away(
    engine: MatchEngine, text: str, topic: str
) -> None:
    assert topic not in {m.topic for m in engine.topics_in(text)}
    assert _orgs(engine, text) == []


def test_a_phrase_of_the_fair_takes_its_words_back(engine: MatchEngine) -> None:
    # "law" is another field, "space law" is the fair's.
    mentions = engine.index.mentions("space law and the Outer Space Treaty")
    assert {m.topic for m in mentions} == {"space-programme"}


def test_ambiguous_words_count_alone_but_not_next_to_another_field(engine: MatchEngine) -> None:
    assert _orgs(engine, "звезды")[0] == "fesenkov"
    assert _orgs(engine, "двигатели")[0] == "baiterek"
    assert _orgs(engine, "я автослесарь, перебираю двигатели и коробки") == []
    assert _orgs(engine, "I'm a barista, I make latte art with stars and moons") == []
    # An inflected form of an ambiguous alias is ambiguous too.
    assert _orgs(engine, "ищу работу официантом в кафе «Галактика»") == []
    # Plain words of the fair in the same sentence keep the sense.
    banker = "Работаю в банке. Хочу применить ML, чтобы классифицировать галактики"
    assert "astrophysics" in {m.topic for m in engine.topics_in(banker)}
    # Unambiguous words count whatever else is said.
    assert _orgs(engine, "Люблю футбол, но главное — хочу строить ракеты") == ["baiterek"]


@pytest.mark.parametrize(
    ("word", "not_topic"),
    [
        ("гороскоп", "adcs"),  # not a typo of «гироскоп»
        ("жұлдызнама", "astronomy"),  # astrology, not a form of «жұлдыз»
        ("косметология", "astrophysics"),  # not a typo of «космология»
    ],
)
def test_words_of_other_fields_are_never_typos_of_the_fairs(
    engine: MatchEngine, word: str, not_topic: str
) -> None:
    assert not_topic not in {m.topic for m in engine.topics_in(word)}
    assert engine.match(StudentProfile(interests=word)) == []


def test_words_of_the_fair_are_never_forms_of_other_fields(engine: MatchEngine) -> None:
    # "physics" is not a form of "physician", «жұлдыздар» not of «жұлдызнама».
    assert [m.topic for m in engine.index.mentions("physics")] == ["physics"]
    assert [m.topic for m in engine.index.mentions("жұлдыздар")] == ["astronomy"]


def test_a_word_the_vocabulary_knows_with_endings_is_not_a_typo(engine: MatchEngine) -> None:
    # «платаларын» is «платалары» (boards) with an ending, not a typo of «планеталар» (planets).
    topics = {m.topic for m in engine.topics_in("баспа платаларын жобалаймын")}
    assert topics == {"electronics"}


# -- evidence about other people --------------------------------------------------------------


def test_what_is_said_about_someone_else_counts_little(engine: MatchEngine) -> None:
    assert _orgs(engine, "мой папа всю жизнь работал на Байконуре, а я учусь на юриста") == []
    assert _orgs(engine, "Досыммен бірге келдім, ол физик. Мен домбырадан сабақ беремін") == []
    # ...but in full when the student says nothing about themselves (asking for a friend).
    assert _orgs(engine, "my friend studies astrophysics")[0] == "fesenkov"
    # The student's own words after the other person count in full.
    assert _orgs(engine, "my dad is a pilot, but I want to design attitude control systems")[0] == (
        "ghalam"
    )


def test_alias_words_stand_in_one_sentence(engine: MatchEngine) -> None:
    text = "I love space. Is there anything for engineers?"
    assert "aerospace-engineering" not in {m.topic for m in engine.topics_in(text)}
    assert "aerospace-engineering" in {m.topic for m in engine.topics_in("space engineering")}


def test_kazakh_typed_without_kazakh_letters(engine: MatchEngine) -> None:
    # «сахнада» is «сахна» (stage) with a Kazakh ending even without Kazakh letters.
    assert _orgs(engine, "сахнада ән айтып, жұлдыз болғым келеді") == []
    assert _orgs(engine, "жанармай жүйелері")[0] == "baiterek"


def test_topics_in_leaves_out_other_fields(engine: MatchEngine) -> None:
    assert engine.topics_in("I'm a nurse and I love astronomy") == [
        m
        for m in engine.index.mentions("I'm a nurse and I love astronomy")
        if m.topic == "astronomy"
    ]


def test_no_alias_of_the_taxonomy_reads_as_another_field(
    engine: MatchEngine, catalogue: Catalogue
) -> None:
    # An off-domain alias that swallowed a topic's alias would silently turn it off.
    clashes = [
        (topic.id, alias, m.topic)
        for topic in catalogue.topics.values()
        for _, alias in topic.aliases.all()
        for m in engine.index.mentions(alias)
        if m.topic.startswith("off:")
    ]
    assert clashes == []


def test_off_domain_in_names_the_other_fields(engine: MatchEngine) -> None:
    found = engine.off_domain_in("я повар и люблю футбол, а ещё астрономию")
    assert {m.topic for m in found} == {"food", "sports"}
    assert {m.words for m in found} == {"повар", "футбол"}
    assert engine.off_domain_in("astronomy") == []


def test_without_offtopic_yaml_there_is_no_negative_evidence(data_copy: Path) -> None:
    (data_copy / "offtopic.yaml").unlink()
    bare = MatchEngine(load_catalogue(data_copy))
    assert bare.match(StudentProfile(interests="rockets"))[0].org == "baiterek"
    assert bare.match(StudentProfile(interests="pop star"))[0].org == "fesenkov"


# -- intents, leisure, jargon -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my internet package is too expensive, which operator should I switch to?",
        "в селе не показывает спутниковое телевидение, куда звонить?",
        "Үйдегі спутниктік теледидар көрсетпейді, қайда хабарласу керек?",
        "Where can I buy a cheap telescope for my nephew?",
    ],
)
def test_a_customer_asking_for_a_service_gets_no_match(engine: MatchEngine, text: str) -> None:
    assert _orgs(engine, text) == []


def test_a_customer_who_also_studies_is_a_student(engine: MatchEngine) -> None:
    text = "I study radio engineering. My grandma's satellite TV doesn't work, who do I call?"
    assert _orgs(engine, text)[0] == "rcsc"
    assert _orgs(engine, "I want to make satellite internet cheaper for villages") == ["rcsc"]


@pytest.mark.parametrize(
    "text",
    [
        "I play Star Citizen and No Man's Sky, exploring planets every night",
        "Kerbal Space Program is my favourite game, I build rockets there",
        "Будет ли на форуме Димаш или другие звёзды?",
        "по натальной карте у меня Марс в Скорпионе",
        "сдаю квартиру, много пространства, рядом космодром",
        "lyublyu mashiny, tyuning dvigatelya",
        "Galaxy S24 экраны сынып қалды, қайда жөндейді?",
        "моему сыну 7 лет, он любит ракеты, есть ли детские кружки?",
    ],
)
def test_leisure_and_everyday_senses_get_no_match(engine: MatchEngine, text: str) -> None:
    assert _orgs(engine, text) == []


def test_the_fairs_words_in_a_clause_about_a_game_are_its_content(engine: MatchEngine) -> None:
    # ...but not in another clause, nor in a sentence that speaks of studying.
    assert _orgs(engine, "Читаю гороскопы для смеха, но серьёзно увлекаюсь астрофизикой")[0] == (
        "fesenkov"
    )
    assert _orgs(engine, "After playing Kerbal Space Program I want to study orbital mechanics")[
        0
    ] == ("ghalam")


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("STK", "ghalam"),
        ("GMAT, Hohmann transfers, station keeping", "ghalam"),
        ("TLE и SGP4", "fesenkov"),
        ("Astropy for light curves", "fesenkov"),
        ("ENVI, SNAP, Sentinel-1", "garysh-sapary"),
        ("LabVIEW test benches and vibration tests", "ghalam"),
        ("I want to build a Mars rover", "ghalam"),
        ("on-orbit servicing", "ghalam"),
        ("Мұнай-газда сорғылар, құбырлар, жоғары қысымды жүйелер", "baiterek"),
        ("хачу работать в космасе", "garysh-sapary"),  # one vowel written as heard
        ("solnechno-zemnye svyazi i kosmicheskaya pogoda", "ionosphere"),
    ],
)
def test_tools_jargon_and_spelling(engine: MatchEngine, text: str, first: str) -> None:
    assert _orgs(engine, text)[0] == first


def test_programming_talk_is_programming(engine: MatchEngine) -> None:
    assert "programming" in {m.topic for m in engine.topics_in("делаю телеграм-ботов и парсеры")}


def test_a_word_has_one_sense(engine: MatchEngine) -> None:
    # «связи» belongs to «солнечно-земные связи», not also to «космическая связь».
    topics = {m.topic for m in engine.topics_in("solnechno-zemnye svyazi i kosmicheskaya pogoda")}
    assert "satcom" not in topics
    assert "space-weather" in topics


def test_a_short_cyrillic_word_is_not_a_latin_abbreviation(engine: MatchEngine) -> None:
    assert "ionosphere" not in {m.topic for m in engine.topics_in("работаю на ТЭЦ")}
    assert "ionosphere" in {m.topic for m in engine.topics_in("TEC maps")}
    assert "machine-learning" not in {m.topic for m in engine.topics_in("бір ай")}
    assert "satcom" in {m.topic for m in engine.topics_in("работал с Ку-диапазоном")}


def test_two_vowels_heard_wrong_are_another_word(engine: MatchEngine) -> None:
    assert engine.topics_in("физеке")[0].topic == "physics"
    assert engine.topics_in("rabotu") == []  # not "robot"
