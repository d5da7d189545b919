"""Typed answers as students write them, in three languages."""

from __future__ import annotations

import pytest

from bot.services.answers import (
    CvProblem,
    StudyLevel,
    bound_text,
    check_cv,
    contact_phone,
    is_done,
    is_skip,
    looks_like_pdf,
    normalise_email,
    normalise_phone,
    parse_language,
    parse_seeking,
    parse_study_level,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", StudyLevel("bachelor", 3)),
        ("2 курс", StudyLevel("bachelor", 2)),
        ("3-курс", StudyLevel("bachelor", 3)),
        ("master 2", StudyLevel("master", 2)),
        ("Магистратура 1", StudyLevel("master", 1)),
        ("магистрант, 2 курс", StudyLevel("master", 2)),
        ("2nd year master", StudyLevel("master", 2)),
        ("second year", StudyLevel("bachelor", 2)),
        ("бірінші курс", StudyLevel("bachelor", 1)),
        ("PhD", StudyLevel("phd", None)),
        ("Ph.D. 2", StudyLevel("phd", 2)),
        ("докторантура", StudyLevel("phd", None)),
        ("бакалавриат", StudyLevel("bachelor", None)),
        ("выпускник", StudyLevel("other", None)),
        ("түлек", StudyLevel("other", None)),
        ("graduate", StudyLevel("other", None)),
    ],
)
def test_study_level(text: str, expected: StudyLevel) -> None:
    assert parse_study_level(text) == expected


@pytest.mark.parametrize("text", ["", "physics", "master 5", "курс", "12", "🙂"])
def test_study_level_unreadable(text: str) -> None:
    assert parse_study_level(text) is None


def test_seeking() -> None:
    assert parse_seeking("internship, job") == {"internship", "job"}
    assert parse_seeking("стажировка и наука") == {"internship", "research"}
    assert parse_seeking("Дипломдық жұмыс") == {"thesis", "job"}
    assert parse_seeking("зерттеу") == {"research"}
    assert parse_seeking("всё") == {"internship", "job", "thesis", "research"}
    assert parse_seeking("money") is None


def test_yes_no_skip_done_language() -> None:
    for yes in ("yes", "Да", "иә", "I agree", "Келісемін", "ok"):
        assert parse_yes_no(yes) is True, yes
    for no in ("no", "Нет", "жоқ", "No, thanks", "не согласен"):
        assert parse_yes_no(no) is False, no
    assert parse_yes_no("maybe") is None
    for skip in ("Skip", "Пропустить", "Өткізіп жіберу", "-", "нет"):
        assert is_skip(skip), skip
    assert not is_skip("+7 701 234 5678")
    for done in ("done", "Готово", "дайын", "✓ Done"):
        assert is_done(done), done
    assert parse_language("Русский") == "ru"
    assert parse_language("✓ Қазақша") == "kk"
    assert parse_language("EN") == "en"
    assert parse_language("Deutsch") is None


def test_phone_and_email() -> None:
    assert normalise_phone("+7 701 234 5678") == "+77012345678"
    assert normalise_phone("8 (701) 234-56-78") == "+77012345678"
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("12345") is None
    assert normalise_phone("call me") is None
    assert contact_phone("77012345678") == "+77012345678"
    assert normalise_email("  Dana.Lee@Example.ORG ") == "Dana.Lee@example.org"
    assert normalise_email("dana@") is None
    assert normalise_email("<script>@x") is None


def test_cv_rules() -> None:
    assert check_cv("application/pdf", "cv.PDF", 1000) is None
    assert check_cv("application/pdf", "cv.docx", 1000) is CvProblem.NOT_PDF
    assert check_cv("image/jpeg", "cv.pdf", 1000) is CvProblem.NOT_PDF
    assert check_cv("application/pdf", "cv.pdf", 10 * 1024 * 1024 + 1) is CvProblem.TOO_BIG
    assert looks_like_pdf(b"%PDF-1.7\n...")
    assert not looks_like_pdf(b"<html>")


def test_bound_text() -> None:
    assert bound_text("  short  ", 10).text == "short"
    cut = bound_text("word " * 300, 1000)
    assert cut.cut
    assert len(cut.text) <= 1000
    assert not cut.text.endswith(" ")
