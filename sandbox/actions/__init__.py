"""What users do: the updates a person's actions produce, and what they can see and press.

These functions are the single implementation behind the control API, :class:`ScriptedUser`
and the web chat page, so all three agree on what "press the button 'Yes'" means.

Each action appends an ``"in"`` entry to the chat transcript and queues one update for the bot.
The returned entry's ``index`` is the *cursor* a scripted user waits from: the bot's replies to
this action are the ``"out"`` entries after it.

Modules: :mod:`~sandbox.actions.messages` (text, commands, location, raw and edited messages),
:mod:`~sandbox.actions.contacts` (sharing a contact, phone formats per platform),
:mod:`~sandbox.actions.media` (photos, documents, albums, stickers, voice),
:mod:`~sandbox.actions.buttons` (visible buttons, pressing them, callback queries),
:mod:`~sandbox.actions.blocking` (blocking and unblocking the bot),
:mod:`~sandbox.actions.incoming` (the entry and update every user message makes).
"""

from sandbox.actions.blocking import block, unblock
from sandbox.actions.buttons import latest_out, press, press_callback, visible_buttons
from sandbox.actions.contacts import default_phone, format_phone, share_contact
from sandbox.actions.media import (
    STICKER_BYTES,
    VOICE_BYTES,
    send_album,
    send_document,
    send_photo,
    send_sticker,
    send_voice,
)
from sandbox.actions.messages import edit_text, send_command, send_location, send_raw, send_text

__all__ = [
    "STICKER_BYTES",
    "VOICE_BYTES",
    "block",
    "default_phone",
    "edit_text",
    "format_phone",
    "latest_out",
    "press",
    "press_callback",
    "send_album",
    "send_command",
    "send_document",
    "send_location",
    "send_photo",
    "send_raw",
    "send_sticker",
    "send_text",
    "send_voice",
    "share_contact",
    "unblock",
    "visible_buttons",
]
