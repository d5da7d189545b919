"""YAML data files with line numbers, validated against pydantic models into DataProblems."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in a data file, precise enough for an organiser to fix it."""

    file: str
    entry: str | None
    field: str | None
    message: str
    line: int | None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = []
        if self.entry is not None:
            parts.append(f"entry {self.entry!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        context = ", ".join(parts)
        return f"{where}: {context}: {self.message}" if context else f"{where}: {self.message}"


class DataError(Exception):
    """Raised when data files are invalid; carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[DataProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class YamlDocument:
    """A parsed YAML file plus the line (1-based) of every mapping value and list item."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[DataProblem] = field(default_factory=list)
    # Duplicate mapping keys (PyYAML silently keeps the last); named once the entry key is known.
    duplicate_keys: list[tuple[Path_, str, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest existing node on `path` (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(
        self,
        path: Path_,
        message: str,
        *,
        key: str | None = None,
        line: int | None = None,
    ) -> DataProblem:
        """A DataProblem at `path`; in a list of entries, the entry is named by its `key` field."""
        entry = None
        rest = path
        if key is not None and path and isinstance(path[0], int):
            entry = entry_name(self.data, path[0], key)
            rest = path[1:]
        return DataProblem(
            self.file, entry, format_field(rest) or None, message, line or self.line_of(path)
        )

    def structure_problems(self, key: str | None = None) -> list[DataProblem]:
        """Problems found while parsing: syntax errors and duplicate keys."""
        dups = [self.problem(p, msg, key=key, line=line) for p, msg, line in self.duplicate_keys]
        return [*self.problems, *dups]


def format_field(path: Iterable[str | int]) -> str:
    """('openings', 1, 'topics', 0) -> 'openings[1].topics[0]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def entry_name(data: Any, index: int, key: str) -> str:
    """An entry is named by its identifying field (slug, id) when it has one, else by position."""
    if isinstance(data, list) and 0 <= index < len(data):
        item = data[index]
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return f"#{index + 1}"


def _index_lines(node: yaml.Node, path: Path_, doc: YamlDocument) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.duplicate_keys.append(
                    ((*path, key), f"duplicate key {key!r} (first at line {seen[key]})", line)
                )
            seen[key] = line
            # A value on the key's own line reports the key's line; a block value its first line.
            _index_lines(value_node, (*path, key), doc)
            doc.lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*path, i), doc)


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document; a syntax error becomes a DataProblem with its line."""
    doc = YamlDocument(file=file, data=None)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _index_lines(node, (), doc)
                doc.data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        doc.problems.append(
            DataProblem(file, None, None, f"invalid YAML: {what}", mark.line + 1 if mark else None)
        )
        doc.data = None
    except yaml.YAMLError as exc:
        doc.problems.append(DataProblem(file, None, None, f"invalid YAML: {exc}", None))
        doc.data = None
    return doc


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse a YAML file; an unreadable file is reported as a problem too."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return YamlDocument(
            name, None, problems=[DataProblem(name, None, None, "file not found", None)]
        )
    except (OSError, UnicodeDecodeError) as exc:
        return YamlDocument(
            name, None, problems=[DataProblem(name, None, None, f"cannot read file: {exc}", None)]
        )
    return parse_yaml(text, name)


ErrorExplainer = Callable[[ErrorDetails], str | None]


def _message(err: ErrorDetails, explain: ErrorExplainer | None) -> str:
    if explain is not None:
        custom = explain(err)
        if custom:
            return custom
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check its spelling)"
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    got = err.get("input")
    if kind.endswith("_type") and not isinstance(got, dict | list):
        msg = f"{msg}, got {type(got).__name__} {got!r}"
    return msg[:1].lower() + msg[1:]


def validation_problems(
    doc: YamlDocument,
    exc: ValidationError,
    prefix: Path_ = (),
    *,
    key: str | None = None,
    explain: ErrorExplainer | None = None,
) -> list[DataProblem]:
    """Turn pydantic's errors for the value at `prefix` into DataProblems with entry/field/line."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        problems.append(doc.problem((*prefix, *loc), _message(err, explain), key=key))
    return problems


def validate_document(
    doc: YamlDocument, model: type[M], *, explain: ErrorExplainer | None = None
) -> tuple[M | None, list[DataProblem]]:
    """Validate a whole document (a top-level mapping) against one model."""
    problems = doc.structure_problems()
    if doc.data is None:
        return None, problems or [DataProblem(doc.file, None, None, "file is empty", None)]
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, [*problems, *validation_problems(doc, exc, explain=explain)]
    return (None if problems else result), problems


def validate_entries(
    doc: YamlDocument,
    model: type[M],
    *,
    key: str,
    explain: ErrorExplainer | None = None,
) -> tuple[list[M], list[DataProblem]]:
    """Validate a document that is a list of entries, each entry on its own so all errors show.

    `key` names the field that identifies an entry in messages (e.g. "slug", "id") and must be
    unique across entries. Returns the valid entries (in file order) and every problem.
    """
    problems = doc.structure_problems(key)
    if doc.data is None:
        if not problems:
            problems.append(DataProblem(doc.file, None, None, "file is empty", None))
        return [], problems
    if not isinstance(doc.data, list):
        problems.append(
            DataProblem(doc.file, None, None, "expected a list of entries at the top level", 1)
        )
        return [], problems
    entries: list[M] = []
    first_seen: dict[Any, int] = {}
    for i, raw in enumerate(doc.data):
        ident = raw.get(key) if isinstance(raw, dict) else None
        if isinstance(ident, str) and ident in first_seen:
            line = doc.lines.get((first_seen[ident], key))
            problems.append(
                doc.problem(
                    (i, key),
                    f"duplicate {key} {ident!r} (first at line {line})",
                    key=key,
                )
            )
        elif isinstance(ident, str):
            first_seen[ident] = i
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as exc:
            problems.extend(validation_problems(doc, exc, (i,), key=key, explain=explain))
    return entries, problems
