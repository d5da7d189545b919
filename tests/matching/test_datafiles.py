"""check-data's error classes on broken copies of the real data, and the reusable helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from bot.datacheck import collect_problems
from matching.catalogue import load_catalogue
from matching.datafiles import (
    DataError,
    DataProblem,
    parse_yaml,
    validate_document,
    validate_entries,
)


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace `old` once in the file; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _only(problems: list[DataProblem]) -> DataProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_real_data_is_valid(data_copy: Path) -> None:
    assert collect_problems(data_copy) == []


def test_unknown_topic_id_in_an_opening(data_copy: Path) -> None:
    employers = data_copy / "employers.yaml"
    line = _edit(
        employers, "topics: [satcom, rf-engineering, telecom]", "topics: [satcom, satcomm]"
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("rcsc", "openings[0].topics[1]", line)
    assert p.message == "unknown topic id 'satcomm'"
    assert str(p) == (
        f"{employers}:{line}: entry 'rcsc', field 'openings[0].topics[1]': "
        "unknown topic id 'satcomm'"
    )


def test_unknown_topic_id_in_exhibitor_topics(data_copy: Path) -> None:
    line = _edit(
        data_copy / "employers.yaml",
        "topics: [ionosphere, geomagnetism",
        "topics: [ionosfera, geomagnetism",
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("ionosphere", "topics[0]", line)
    assert "unknown topic id 'ionosfera'" in p.message


def test_duplicate_slug(data_copy: Path) -> None:
    line = _edit(data_copy / "employers.yaml", "- slug: fesenkov", "- slug: rcsc")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("rcsc", "slug", line)
    assert re.fullmatch(r"duplicate slug 'rcsc' \(first at line \d+\)", p.message)


def test_duplicate_topic_id(data_copy: Path) -> None:
    line = _edit(data_copy / "topics.yaml", "- id: broadcasting", "- id: satcom")
    problems = collect_problems(data_copy)
    dup = [p for p in problems if "duplicate id" in p.message]
    assert len(dup) == 1
    assert (dup[0].file, dup[0].entry, dup[0].field, dup[0].line) == (
        str(data_copy / "topics.yaml"),
        "satcom",
        "id",
        line,
    )


def test_duplicate_opening_id(data_copy: Path) -> None:
    line = _edit(data_copy / "employers.yaml", "- id: gis-engineer", "- id: eo-analyst-intern")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("garysh-sapary", "openings[1].id", line)
    assert "duplicate opening id 'eo-analyst-intern'" in p.message


def test_missing_translation(data_copy: Path) -> None:
    line = _edit(data_copy / "employers.yaml", "    kk: Ионосфера институты\n", "")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.message) == ("ionosphere", "name.kk", "missing kk translation")
    assert p.line == line - 3  # the `name:` mapping the translation belongs to


def test_empty_translation(data_copy: Path) -> None:
    _edit(data_copy / "topics.yaml", "ru: Спутниковая связь,", 'ru: "",')
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.message) == ("satcom", "name.ru", "missing ru translation")


def test_wrong_type(data_copy: Path) -> None:
    line = _edit(data_copy / "employers.yaml", "website: https://fai.kz", "website: 42")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("fesenkov", "website", line)
    assert "valid string" in p.message
    assert "42" in p.message


def test_wrong_type_list_expected(data_copy: Path) -> None:
    line = _edit(data_copy / "topics.yaml", "  broader: [satcom]", "  broader: satcom")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("broadcasting", "broader", line)
    assert "list" in p.message


def test_unknown_opening_kind(data_copy: Path) -> None:
    line = _edit(data_copy / "employers.yaml", "kind: thesis", "kind: apprenticeship")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("garysh-sapary", "openings[2].kind", line)
    assert p.message.startswith("unknown opening kind 'apprenticeship'")


def test_misspelt_field(data_copy: Path) -> None:
    line = _edit(
        data_copy / "employers.yaml",
        "  secondary_topics: [satellites, electronics",
        "  secondary_topic: [satellites, electronics",
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("rcsc", "secondary_topic", line)
    assert "unknown field" in p.message


def test_missing_required_field(data_copy: Path) -> None:
    _edit(data_copy / "employers.yaml", "  website: https://ghalam.kz\n", "")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.message) == ("ghalam", "website", "required field is missing")


def test_bad_yaml_reports_its_line(data_copy: Path) -> None:
    line = _edit(data_copy / "topics.yaml", "  weight: 0.7\n", "  weight: [0.7\n")
    problems = collect_problems(data_copy)
    assert problems
    assert problems[0].file == str(data_copy / "topics.yaml")
    assert problems[0].message.startswith("invalid YAML")
    assert problems[0].line is not None
    assert line <= problems[0].line <= line + 2


def test_duplicate_key_in_a_mapping(data_copy: Path) -> None:
    line = _edit(
        data_copy / "employers.yaml",
        '  booth: ""\n  aliases: [Ghalam',
        '  booth: ""\n  booth: A1\n  aliases: [Ghalam',
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("ghalam", "booth", line + 1)
    assert p.message.startswith("duplicate key 'booth'")


def test_empty_and_missing_files(data_copy: Path) -> None:
    (data_copy / "topics.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (data_copy / "employers.yaml").unlink()
    messages = {(Path(p.file).name, p.message) for p in collect_problems(data_copy)}
    assert messages == {("topics.yaml", "file is empty"), ("employers.yaml", "file not found")}


def test_all_problems_are_reported_at_once(data_copy: Path) -> None:
    _edit(data_copy / "employers.yaml", "kind: thesis", "kind: apprenticeship")
    _edit(data_copy / "employers.yaml", "- slug: fesenkov", "- slug: rcsc")
    _edit(data_copy / "topics.yaml", "ru: Спутниковая связь,", 'ru: "",')
    assert len(collect_problems(data_copy)) == 3


def test_load_catalogue_raises_instead_of_half_loading(data_copy: Path) -> None:
    _edit(
        data_copy / "employers.yaml", "topics: [satcom, rf-engineering, telecom]", "topics: [nope]"
    )
    with pytest.raises(DataError) as info:
        load_catalogue(data_copy)
    assert len(info.value.problems) == 1
    assert "unknown topic id 'nope'" in str(info.value)


class _Session(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    room: int


def test_helpers_validate_any_yaml_list_against_any_model() -> None:
    doc = parse_yaml(
        "- id: opening\n  title: Opening\n  room: 1\n- id: panel\n  title: Panel\n  room: big\n",
        "data/sessions.yaml",
    )
    sessions, problems = validate_entries(doc, _Session, key="id")
    assert [s.id for s in sessions] == ["opening"]
    assert [str(p) for p in problems] == [
        "data/sessions.yaml:6: entry 'panel', field 'room': input should be a valid integer, "
        "unable to parse string as an integer"
    ]


class _Schedule(BaseModel):
    sessions: list[_Session]


def test_helpers_validate_a_whole_document() -> None:
    doc = parse_yaml("sessions:\n  - id: a\n    title: A\n", "s.yaml")
    schedule, problems = validate_document(doc, _Schedule)
    assert schedule is None
    assert [(p.field, p.line, p.message) for p in problems] == [
        ("sessions[0].room", 2, "required field is missing")
    ]


# -- offtopic.yaml and topics' ambiguous aliases ----------------------------------------------


def test_off_domain_fields_load_with_the_catalogue(data_copy: Path) -> None:
    catalogue = load_catalogue(data_copy)
    assert {"healthcare", "astrology", "automotive"} <= set(catalogue.off_domain)
    assert not set(catalogue.off_domain) & set(catalogue.topics)


def test_off_domain_file_is_optional(data_copy: Path) -> None:
    (data_copy / "offtopic.yaml").unlink()
    assert collect_problems(data_copy) == []
    assert load_catalogue(data_copy).off_domain == {}


def test_off_domain_id_that_is_a_topic_id(data_copy: Path) -> None:
    line = _edit(data_copy / "offtopic.yaml", "- id: healthcare", "- id: physics")
    p = _only(collect_problems(data_copy))
    assert (Path(p.file).name, p.entry, p.field, p.line) == ("offtopic.yaml", "physics", "id", line)
    assert p.message == "'physics' is already a topic id in topics.yaml"


def test_off_domain_alias_that_is_a_topic_alias(data_copy: Path) -> None:
    line = _edit(
        data_copy / "offtopic.yaml", "    en: [medicine, medical,", "    en: [Telescopes, medical,"
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("healthcare", "aliases.en[0]", line)
    assert p.message == (
        "'Telescopes' is also an alias of topic 'astronomy' in topics.yaml: a word cannot be both"
    )


def test_off_domain_alias_of_stop_words_only(data_copy: Path) -> None:
    _edit(
        data_copy / "offtopic.yaml", "    en: [medicine, medical,", "    en: [I want to, medical,"
    )
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field) == ("healthcare", "aliases.en[0]")
    assert "only stop words" in p.message


def test_off_domain_entry_errors(data_copy: Path) -> None:
    off = data_copy / "offtopic.yaml"
    _edit(off, "- id: food", "- id: healthcare")
    _edit(
        off,
        "  name: {en: Law, ru: Юриспруденция, kk: Заңтану}",
        "  name: {en: Law, ru: Юриспруденция}",
    )
    _edit(off, "- id: sports\n", "- id: sports\n  weigth: 0.5\n")
    messages = {(p.entry, p.field, p.message.split(" (")[0]) for p in collect_problems(data_copy)}
    assert messages == {
        ("healthcare", "id", "duplicate id 'healthcare'"),
        ("law", "name.kk", "missing kk translation"),
        ("sports", "weigth", "unknown field"),
    }


def test_off_domain_kind_must_be_known(data_copy: Path) -> None:
    line = _edit(data_copy / "offtopic.yaml", "  kind: leisure\n", "  kind: hobby\n")
    p = _only(collect_problems(data_copy))
    assert (p.entry, p.field, p.line) == ("performing-arts", "kind", line)
    assert p.message == "unknown kind 'hobby'; use one of: field, leisure"


def test_off_domain_bad_yaml(data_copy: Path) -> None:
    line = _edit(data_copy / "offtopic.yaml", "  weight: 0.6\n", "  weight: [0.6\n")
    (p, *_) = collect_problems(data_copy)
    assert Path(p.file).name == "offtopic.yaml"
    assert p.message.startswith("invalid YAML")
    assert p.line is not None
    assert line <= p.line <= line + 2


def test_ambiguous_alias_must_be_one_of_the_topics_aliases(data_copy: Path) -> None:
    line = _edit(data_copy / "topics.yaml", "    ru: [звезды, небо,", "    ru: [звёздочки, небо,")
    p = _only(collect_problems(data_copy))
    assert (Path(p.file).name, p.entry, p.field, p.line) == (
        "topics.yaml",
        "astronomy",
        "ambiguous.ru[0]",
        line,
    )
    assert p.message == "'звёздочки' is not one of this topic's ru aliases"
