"""File methods: sendPhoto, sendDocument, sendMediaGroup, getFile, and how an InputFile (an
upload, ``attach://``, a file id) is resolved and stored, with each platform's size limits.

The stored files themselves are in :mod:`sandbox.state.files`; downloads are served by
:mod:`sandbox.server.bot_routes`.
"""

from __future__ import annotations

from typing import Any

from sandbox.botapi.keyboards import KeyboardMethods
from sandbox.botapi.params import Params, Upload
from sandbox.state import ApiError, BotWorld, StoredFile, looks_like_image

MB = 1024 * 1024


class FileMethods(KeyboardMethods):
    """The file methods of :class:`~sandbox.botapi.api.BotApi` and their upload handling."""

    def upload_limit(self, bot: BotWorld, kind: str) -> int:
        if kind == "photo":  # both platforms: photos up to 10 MB
            return 10 * MB
        return 20 * MB if bot.flavour == "bale" else 50 * MB

    def input_file(
        self,
        bot: BotWorld,
        params: Params,
        value: Any,
        field: str,
        kind: str,
        *,
        in_media_group: bool = False,
    ) -> list[StoredFile]:
        """Resolve an InputFile: a plain multipart field, ``attach://name``, or a file id.

        Returns the stored files (a photo has several sizes, largest last).
        """
        upload: Upload | None = None
        if value is None or value == "":
            upload = params.files.get(field)
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            if bot.flavour == "bale" and not in_media_group:
                raise ApiError(
                    400,
                    "Bad Request: attach:// is only supported inside media groups; "
                    f"send the file as the multipart field {field!r}",
                )
            upload = params.files.get(value[len("attach://") :])
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif not isinstance(value, str):
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif value.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        else:
            stored = bot.files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            if (stored.kind == "photo") != (kind == "photo"):
                raise ApiError(400, "Bad Request: type of file mismatch")
            if kind == "photo":
                return bot.photo_sets.get(stored.file_id, [stored])
            return [stored]
        data = upload.data
        if not data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(data) > self.upload_limit(bot, kind):
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            if self.sandbox.check_images and not looks_like_image(data):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            return bot.store_photo(data, "bot")
        return [
            bot.store_file(
                data,
                kind,
                "bot",
                file_name=upload.filename or field,
                mime_type=(
                    upload.content_type
                    if upload.content_type and upload.content_type != "application/octet-stream"
                    else None
                ),
            )
        ]

    @staticmethod
    def file_content(files: list[StoredFile], kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Message content and transcript fields for stored files."""
        main = files[-1]
        if kind == "photo":
            content: dict[str, Any] = {"photo": [f.api_object() for f in files]}
        else:
            content = {kind: main.api_object()}
        fields = {
            "file_id": main.file_id,
            "file_ids": [f.file_id for f in files],
            "file_unique_id": main.file_unique_id,
            "file_name": main.file_name,
            "mime_type": main.mime_type,
            "file_size": main.size,
            "sha256": main.sha256,
        }
        return content, fields

    async def _send_file(self, bot: BotWorld, params: Params, kind: str, method: str) -> Any:
        chat = bot.chat(params.chat_id())
        raw, plain = self.caption(bot, params)
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        files = self.input_file(bot, params, params.raw(kind), kind, kind)
        content, fields = self.file_content(files, kind)
        if plain is not None:
            content["caption"] = plain
        fields.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        return self.new_out(bot, chat, kind, method, content, fields, markup, reply_to)

    async def m_sendphoto(self, bot: BotWorld, params: Params) -> Any:
        return await self._send_file(bot, params, "photo", "sendPhoto")

    async def m_senddocument(self, bot: BotWorld, params: Params) -> Any:
        return await self._send_file(bot, params, "document", "sendDocument")

    async def m_sendmediagroup(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        media = params.json("media")
        if not isinstance(media, list) or not media:
            raise ApiError(400, "Bad Request: media is empty")
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media specified: must be 2-10")
        kinds = set()
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
                raise ApiError(400, "Bad Request: unsupported media type in the sandbox")
            kinds.add(item["type"])
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        reply_to = self.reply_to(bot, chat, params)
        # Resolve everything first so that a bad item sends nothing (the group is atomic).
        resolved = []
        for item in media:
            kind = item["type"]
            files = self.input_file(
                bot, params, item.get("media"), kind, kind, in_media_group=True
            )
            if bot.flavour == "bale":
                extra = {k for k, v in item.items() if v is not None} - {
                    "type",
                    "media",
                    "caption",
                }
                if extra:
                    raise ApiError(
                        400, f"Bad Request: parameter {sorted(extra)[0]!r} is not supported"
                    )
            raw = item.get("caption") or None
            plain = None
            if raw:
                plain = self.render(bot, raw, item.get("parse_mode"))
            resolved.append((kind, files, raw, plain, item.get("parse_mode")))
        group_id = bot.new_media_group_id()
        messages = []
        for kind, files, raw, plain, parse_mode in resolved:
            content, fields = self.file_content(files, kind)
            content["media_group_id"] = group_id
            if plain is not None:
                content["caption"] = plain
            fields.update(
                caption=plain, raw_caption=raw, parse_mode=parse_mode, media_group_id=group_id
            )
            messages.append(
                self.new_out(bot, chat, kind, "sendMediaGroup", content, fields, None, reply_to)
            )
        return messages

    async def m_getfile(self, bot: BotWorld, params: Params) -> Any:
        file_id = params.text("file_id")
        if not file_id:
            raise ApiError(400, "Bad Request: file_id is empty")
        stored = bot.files.get(file_id)
        if stored is None:
            raise ApiError(
                400, "Bad Request: wrong file_id or the file is temporarily unavailable"
            )
        if stored.size > 20 * MB:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
