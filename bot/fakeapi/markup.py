"""Telegram's text rules: HTML parse mode, entity offsets in UTF-16, length limits, trimming."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.fakeapi.errors import ApiError

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.\-]*")
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_to_index(text: str, offset: int) -> int:
    """The str index that corresponds to a UTF-16 `offset` into `text`."""
    units = 0
    for index, ch in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


@dataclass
class ParsedText:
    """Text as Telegram stores it: plain characters plus entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    argument: str | None
    start: int  # code-point index into the plain text
    byte_offset: int


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(source, pos)
    if match is None:
        return None
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _bad(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def parse_html(source: str) -> ParsedText:
    """Parse Telegram's HTML parse mode; raise ApiError 400 with Telegram's wording on bad markup.

    Mirrors Telegram's rules: only its tags, only &lt; &gt; &amp; &quot; and numeric entities
    (a stray '&' or '>' stays literal), every '<' starts a tag, tags must nest and close.
    """
    out: list[str] = []
    length = 0  # code points emitted so far
    entities: list[tuple[int, int, dict[str, Any]]] = []  # (start, end, entity) in code points
    stack: list[_Open] = []
    pos = 0
    size = len(source)

    def byte_at(index: int) -> int:
        return len(source[:index].encode())

    while pos < size:
        ch = source[pos]
        if ch == "&":
            decoded = _decode_entity(source, pos)
            if decoded is not None:
                out.append(decoded[0])
                length += 1
                pos = decoded[1]
                continue
        if ch != "<":
            out.append(ch)
            length += 1
            pos += 1
            continue
        tag_pos = pos
        pos += 1
        if pos < size and source[pos] == "/":
            pos += 1
            name_start = pos
            while pos < size and not source[pos].isspace() and source[pos] != ">":
                pos += 1
            end_name = source[name_start:pos].lower()
            while pos < size and source[pos].isspace():
                pos += 1
            if not stack:
                raise _bad(f"Unexpected end tag at byte offset {byte_at(tag_pos)}")
            if pos >= size or source[pos] != ">":
                raise _bad(f"Unclosed end tag at byte offset {byte_at(tag_pos)}")
            pos += 1
            opened = stack.pop()
            if end_name and end_name != opened.tag:
                raise _bad(
                    f"Unmatched end tag at byte offset {byte_at(tag_pos)}, "
                    f'expected "</{opened.tag}>", '
                    f'found "</{end_name}>"'
                )
            entity = _entity_for(opened, length)
            if entity is not None:
                entities.append((opened.start, length, entity))
            continue
        name_start = pos
        while pos < size and not source[pos].isspace() and source[pos] != ">":
            pos += 1
        if pos >= size:
            raise _bad(f"Unclosed start tag at byte offset {byte_at(tag_pos)}")
        tag = source[name_start:pos].lower()
        if tag not in _HTML_TAGS:
            raise _bad(f'Unsupported start tag "{tag}" at byte offset {byte_at(tag_pos)}')
        argument, pos = _read_attributes(source, pos, tag, byte_at(tag_pos))
        if tag == "span" and argument != "tg-spoiler":
            raise _bad(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_at(tag_pos)}')
        stack.append(_Open(tag, argument, length, byte_at(tag_pos)))
    if stack:
        raise _bad(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return _finish("".join(out), entities)


def _read_attributes(source: str, pos: int, tag: str, tag_byte: int) -> tuple[str | None, int]:
    """Read attributes up to and including '>'; return the one Telegram uses for this tag."""
    size = len(source)
    argument: str | None = None
    while True:
        while pos < size and source[pos].isspace():
            pos += 1
        if pos >= size:
            raise _bad(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if source[pos] == ">":
            return argument, pos + 1
        name_start = pos
        while pos < size and not source[pos].isspace() and source[pos] not in "=>/\"'":
            pos += 1
        name = source[name_start:pos].lower()
        if not name:
            raise _bad(f'Empty attribute name in the tag "{tag}" at byte offset {tag_byte}')
        while pos < size and source[pos].isspace():
            pos += 1
        if pos >= size:
            raise _bad(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if source[pos] != "=":
            if tag == "blockquote" and name == "expandable":
                argument = "expandable"
            continue
        pos += 1
        while pos < size and source[pos].isspace():
            pos += 1
        if pos >= size:
            raise _bad(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
        if source[pos] in "\"'":
            quote = source[pos]
            pos += 1
            chunks: list[str] = []
            while pos < size and source[pos] != quote:
                decoded = _decode_entity(source, pos) if source[pos] == "&" else None
                if decoded is not None:
                    chunks.append(decoded[0])
                    pos = decoded[1]
                else:
                    chunks.append(source[pos])
                    pos += 1
            if pos >= size:
                raise _bad(f'Unclosed start tag "{tag}" at byte offset {tag_byte}')
            pos += 1
            value = "".join(chunks)
        else:
            match = _UNQUOTED_VALUE.match(source, pos)
            assert match is not None  # the pattern matches the empty string
            value = match.group().lower()
            pos = match.end()
            if pos < size and not source[pos].isspace() and source[pos] != ">":
                raise _bad(
                    f"Unexpected end of name token at byte offset {len(source[:pos].encode())}"
                )
        if (
            (tag == "a" and name == "href")
            or (tag == "code" and name == "class")
            or (tag == "span" and name == "class")
            or (tag == "tg-emoji" and name == "emoji-id")
        ):
            argument = value


def _entity_for(opened: _Open, end: int) -> dict[str, Any] | None:
    if end == opened.start:
        return None  # Telegram drops empty entities
    tag, argument = opened.tag, opened.argument
    if tag in _SIMPLE_ENTITY:
        return {"type": _SIMPLE_ENTITY[tag]}
    if tag == "a":
        if argument is None or not argument.strip():
            return None
        user = re.fullmatch(r"tg://user\?id=(\d+)", argument)
        if user:
            # Telegram answers with the whole User; clients require is_bot and first_name.
            mentioned = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
            return {"type": "text_mention", "user": mentioned}
        return {"type": "text_link", "url": argument}
    if tag == "code":
        entity: dict[str, Any] = {"type": "code"}
        if argument and argument.startswith("language-"):
            entity["language"] = argument.removeprefix("language-")
        return entity
    if tag == "pre":
        return {"type": "pre"}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if argument else "blockquote"}
    if tag == "tg-emoji":
        if not argument or not argument.isdigit():
            raise _bad("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", "custom_emoji_id": argument}
    return None


def _finish(text: str, spans: list[tuple[int, int, dict[str, Any]]]) -> ParsedText:
    merged = _merge_pre_code(spans)
    return trim(text, merged)


def _merge_pre_code(
    spans: list[tuple[int, int, dict[str, Any]]],
) -> list[tuple[int, int, dict[str, Any]]]:
    """<pre><code class="language-x"> is one pre entity with a language, as Telegram makes it."""
    result: list[tuple[int, int, dict[str, Any]]] = []
    for start, end, entity in spans:
        if entity["type"] == "pre" and result:
            prev_start, prev_end, prev = result[-1]
            if (prev_start, prev_end) == (start, end) and prev["type"] == "code":
                pre: dict[str, Any] = {"type": "pre"}
                if "language" in prev:
                    pre["language"] = prev["language"]
                result[-1] = (start, end, pre)
                continue
        result.append((start, end, entity))
    return result


def trim(text: str, spans: list[tuple[int, int, dict[str, Any]]]) -> ParsedText:
    """Strip surrounding whitespace like Telegram, clip entities, convert offsets to UTF-16."""
    left = len(text) - len(text.lstrip())
    stripped = text.strip()
    right = left + len(stripped)
    entities: list[dict[str, Any]] = []
    for start, end, entity in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        start, end = max(start, left) - left, min(end, right) - left
        if end <= start:
            continue
        offset = utf16_len(stripped[:start])
        entities.append(
            {"offset": offset, "length": utf16_len(stripped[start:end]), **entity},
        )
    return ParsedText(stripped, entities)


def plain(text: str, entities: Any = None) -> ParsedText:
    """Text sent without a parse mode, optionally with explicit entities."""
    if not entities:
        return trim(text, [])
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise ApiError(400, "Bad Request: can't parse entities JSON object")
    total = utf16_len(text)
    spans = []
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or "type" not in entity:
            raise ApiError(400, "Bad Request: can't parse entities JSON object")
        if offset < 0 or length <= 0 or offset + length > total:
            continue  # Telegram silently drops entities outside the text
        start = utf16_to_index(text, offset)
        end = utf16_to_index(text, offset + length)
        rest = {k: v for k, v in entity.items() if k not in ("offset", "length")}
        spans.append((start, end, rest))
    return trim(text, spans)


def parse_text(text: str, parse_mode: str | None, entities: Any = None) -> ParsedText:
    """Apply a parse mode the way Telegram does before storing a message's text or caption."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("markdown", "markdownv2"):
        # Markdown modes are stored verbatim: fairbot sends HTML only, so they stay unvalidated.
        return trim(text, [])
    if mode:
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
    return plain(text, entities)


def message_text(text: Any, parse_mode: str | None, entities: Any = None) -> ParsedText:
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    parsed = parse_text(text, parse_mode, entities)
    if not parsed.text:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(parsed.text) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return parsed


def caption_text(caption: Any, parse_mode: str | None, entities: Any = None) -> ParsedText | None:
    if caption is None or caption == "":
        return None
    parsed = parse_text(str(caption), parse_mode, entities)
    if utf16_len(parsed.text) > MAX_CAPTION_LENGTH:
        raise ApiError(400, "Bad Request: message caption is too long")
    return parsed if parsed.text else None


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to a message that starts with a command."""
    match = _BOT_COMMAND.match(text)
    if match is None:
        return []
    return [{"offset": 0, "length": utf16_len(match.group()), "type": "bot_command"}]
