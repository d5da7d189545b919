"""Every text exists in kk, ru and en with the same placeholders; arguments cannot break HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.i18n import LANGUAGES, LOCALES_DIR, Translator, language_from_telegram, safe
from bot.menu import MENU


class _Placeholders(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)


def _messages(lang: str) -> dict[str, tuple[frozenset[str], Path]]:
    """message id -> (placeholders, file) for every .ftl of a language; fails on syntax errors."""
    found: dict[str, tuple[frozenset[str], Path]] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, ast.Junk), f"{path}: syntax error near {entry.content!r}"
            if isinstance(entry, ast.Message):
                assert entry.id.name not in found, f"{entry.id.name} defined twice in {lang}"
                visitor = _Placeholders()
                visitor.visit(entry)
                found[entry.id.name] = (frozenset(visitor.names), path)
    return found


ALL = {lang: _messages(lang) for lang in LANGUAGES}


def test_locales_exist() -> None:
    assert set(LANGUAGES) == {"kk", "ru", "en"}
    for lang in LANGUAGES:
        assert ALL[lang], f"no messages for {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_in_every_language(lang: str) -> None:
    everywhere = set().union(*(set(messages) for messages in ALL.values()))
    missing = sorted(everywhere - set(ALL[lang]))
    assert missing == [], f"missing in {lang}: {missing}"


def test_same_placeholders_in_every_language() -> None:
    mismatched = []
    for key, (names, _) in ALL["en"].items():
        for lang in LANGUAGES:
            other = ALL[lang].get(key)
            if other is not None and other[0] != names:
                mismatched.append(f"{key}: en {sorted(names)} vs {lang} {sorted(other[0])}")
    assert mismatched == []


def test_same_file_layout_in_every_language() -> None:
    for key, (_, path) in ALL["en"].items():
        for lang in LANGUAGES:
            assert ALL[lang][key][1].name == path.name, f"{key} lives in another file in {lang}"


def test_menu_descriptions_fit_telegram_limits(translator: Translator) -> None:
    for command, key in MENU:
        assert 1 <= len(command) <= 32
        assert command == command.lower()
        for lang in LANGUAGES:
            assert 1 <= len(translator.get(lang, key)) <= 256


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_lists_every_menu_command(translator: Translator, lang: str) -> None:
    text = translator.get(lang, "help")
    missing = [command for command, _ in MENU if f"/{command} " not in text]
    assert not missing, f"/help in {lang} does not mention {missing}"


def test_arguments_are_html_escaped(translator: Translator) -> None:
    text = translator.get("en", "unknown-command", command='<b>"x" & y</b>')
    assert "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;" in text
    assert "<b>" not in text


def test_safe_values_pass_through(translator: Translator) -> None:
    text = translator.get("ru", "unknown-command", command=safe("<code>/x</code>"))
    assert "<code>/x</code>" in text


def test_no_isolation_marks(translator: Translator) -> None:
    text = translator.get("kk", "unknown-command", command="/x")
    assert "\u2068" not in text
    assert "\u2069" not in text
    assert text.startswith("/x ")


def test_missing_key_falls_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for lang, body in {"en": "only-en = Hello\n", "ru": "", "kk": ""}.items():
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "x.ftl").write_text(body)
    translator = Translator(tmp_path)
    assert translator.get("ru", "only-en") == "Hello"
    assert translator.get("ru", "nowhere") == "nowhere"
    assert "only-en" in caplog.text


@pytest.mark.parametrize(
    ("code", "lang"),
    [("kk", "kk"), ("kk-KZ", "kk"), ("ru", "ru"), ("RU", "ru"), ("en", "en"), ("de", "en"),
     ("uk", "en"), (None, "en"), ("", "en")],
)  # fmt: skip
def test_language_from_telegram(code: str | None, lang: str) -> None:
    assert language_from_telegram(code) == lang
