"""Documents and photos: multipart uploads, file_id reuse, getFile and download."""

from __future__ import annotations

import io

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.media import image_size, make_png

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


async def test_document_upload_and_download_round_trip(
    server: FakeTelegramServer, bot: Bot
) -> None:
    student = server.user("Aruzhan", started=True)
    sent = await bot.send_document(
        student.id,
        BufferedInputFile(PDF, filename="cv.pdf"),
        caption="<b>Your CV</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert sent.document.file_name == "cv.pdf"
    assert sent.document.mime_type == "application/pdf"
    assert sent.caption == "Your CV"
    message = student.last_message
    assert message is not None
    assert message.document is not None
    assert message.document.content == PDF
    assert message.document.file_name == "cv.pdf"
    [call] = server.calls("sendDocument")
    assert call.params["document"].filename == "cv.pdf"

    file = await bot.get_file(sent.document.file_id)
    assert file.file_size == len(PDF)
    assert file.file_path is not None
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, buffer)
    assert buffer.getvalue() == PDF

    # A broadcast reuses the upload by file_id: no bytes travel again.
    other = server.user("Yerbol", started=True)
    again = await bot.send_document(other.id, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    assert other.messages[0].document is not None
    assert other.messages[0].document.content == PDF


async def test_bot_downloads_what_a_user_sent(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Ainur")
    await student.send_document(b"name,score\nAinur,9\n", "export.csv")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.document is not None
    document = update.message.document
    assert document.mime_type == "text/csv"
    assert document.file_name == "export.csv"
    downloaded = await bot.download(document)
    assert downloaded is not None
    assert downloaded.read() == b"name,score\nAinur,9\n"


async def test_photos_are_sized_like_telegram(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Miras", started=True)
    chart = make_png(1000, 500)
    sent = await bot.send_photo(student.id, BufferedInputFile(chart, filename="chart.png"))
    assert sent.photo is not None
    assert [(p.width, p.height) for p in sent.photo] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1000, 500),
    ]
    photo = student.last_message.photo if student.last_message else None
    assert photo is not None
    assert image_size(photo.content) == (1000, 500)
    again = await bot.send_photo(student.id, sent.photo[-1].file_id)
    assert again.photo is not None
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(student.id, BufferedInputFile(b"not an image", filename="x.png"))
    with pytest.raises(TelegramBadRequest, match="PHOTO_INVALID_DIMENSIONS"):
        await bot.send_photo(student.id, BufferedInputFile(make_png(2100, 100), filename="x.png"))
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo as Document"):
        await bot.send_document(student.id, sent.photo[-1].file_id)


async def test_files_over_20_mb_cannot_be_fetched(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Dias")
    await student.send_document(b"x" * (20 * 1024 * 1024 + 1), "big.pdf")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.document is not None
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(update.message.document.file_id)
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")


async def test_caption_limit_and_edit(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Adil", started=True)
    sent = await bot.send_document(student.id, BufferedInputFile(PDF, filename="cv.pdf"))
    await bot.edit_message_caption(
        chat_id=student.id, message_id=sent.message_id, caption="<i>v2</i>", parse_mode="HTML"
    )
    [message] = student.messages
    assert message.caption == "v2"
    assert message.entities == ({"offset": 0, "length": 2, "type": "italic"},)
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=student.id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(
            student.id, BufferedInputFile(PDF, filename="cv.pdf"), caption="c" * 1025
        )
