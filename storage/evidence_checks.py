"""Evidence files checked by their bytes before anything keeps them (issue 19, item 5).

Only JPEG, PNG and PDF are accepted, recognised by their first bytes, never by a file name or a
MIME type a phone made up (`sniff`). Each refusal names the rule that refused the file: its
`EvidenceRejected.key` is the catalog message the owner reads.

* **Images** are opened by Pillow as the type their bytes say (and only that one), their pixel
  count checked before any decoding (a decompression bomb: huge dimensions in a small file),
  then decoded (JPEG at an eighth of its size, enough to find a truncated file) or, for PNG,
  verified chunk by chunk.
* **PDFs** are opened by a real parser (pypdf, strict mode): refused when encrypted, when the
  parser cannot read them (a truncated file, a broken cross-reference table, a file that only
  starts with `%PDF-` and ends with `%%EOF`), or when anything in them would act by itself:
  JavaScript, a Launch action, an OpenAction or additional actions (`/AA`) that are not a plain
  "go to a page", embedded files. Every object reachable from the document is visited (names
  written with `#xx` escapes are read as the parser reads them, objects inside compressed object
  streams too). A parser bomb is bounded: at most `PDF_MAX_OBJECTS` objects and `PDF_MAX_PAGES`
  pages, `PDF_MAX_SECONDS` of work, and pypdf's own cap on what a stream may inflate to.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from dataclasses import dataclass
from typing import Any

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is already more than any phone sends
PDF_MAX_OBJECTS = 200_000  # objects visited in one PDF; more is not a scanned form
PDF_MAX_PAGES = 1_000
PDF_MAX_SECONDS = 5.0  # of parsing: a file that takes longer is refused as too complex
PDF_MAX_DEPTH = 200  # nesting of arrays and dictionaries

log = logging.getLogger(__name__)


class EvidenceRejected(ValueError):
    """`key` names the catalog message that tells the owner why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.message_args = args


@dataclass(frozen=True, slots=True)
class CheckedFile:
    data: bytes
    sha256: str
    mime: str
    extension: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """The file's type by its first bytes: (MIME type, extension), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    return None


def check(data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a file or raise EvidenceRejected with the rule that refused it."""
    if len(data) > max_bytes:
        raise EvidenceRejected("evidence-too-large", max_mb=max_bytes // (1024 * 1024))
    if not data:
        raise EvidenceRejected("evidence-corrupt")
    kind = sniff(data)
    if kind is None:
        raise EvidenceRejected("evidence-wrong-type")
    mime, extension = kind
    if mime == "application/pdf":
        check_pdf(data)
    else:
        _check_image(data, "JPEG" if extension == "jpg" else "PNG")
    return CheckedFile(data, hashlib.sha256(data).hexdigest(), mime, extension)


# --- images ----------------------------------------------------------------------------------

def _check_image(data: bytes, image_format: str = "PNG") -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise EvidenceRejected("evidence-too-many-pixels")
            if image_format == "JPEG":
                # Decoded at an eighth of its size: a cut-off file fails, memory stays small.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
            else:
                image.verify()  # every chunk's checksum, to the end marker
    except EvidenceRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise EvidenceRejected("evidence-too-many-pixels") from exc
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise EvidenceRejected("evidence-corrupt") from exc


# --- PDFs ------------------------------------------------------------------------------------

# Keys whose presence alone is the finding, and the rule each breaks.
_SCRIPT_KEYS = frozenset({"/JavaScript", "/JS", "/XFA"})
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EmbeddedFile", "/EF"})
_ACTION_TYPES = {"/JavaScript": "evidence-pdf-script", "/Launch": "evidence-pdf-launch",
                 "/ImportData": "evidence-pdf-launch", "/SubmitForm": "evidence-pdf-action",
                 "/URI": None, "/GoTo": None, "/GoToR": "evidence-pdf-action",
                 "/GoToE": "evidence-pdf-embedded", "/Rendition": "evidence-pdf-action",
                 "/RichMediaExecute": "evidence-pdf-script"}
# The order in which rules are told when a file breaks several.
_PRECEDENCE = ("evidence-pdf-script", "evidence-pdf-launch", "evidence-pdf-embedded",
               "evidence-pdf-action", "evidence-pdf-too-complex")


class _TooComplex(Exception):
    pass


def check_pdf(data: bytes) -> None:
    """Refuse an encrypted, unreadable or active PDF (EvidenceRejected names the rule)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise EvidenceRejected("evidence-pdf-encrypted")
        pages = len(reader.pages)
        if pages == 0:
            raise EvidenceRejected("evidence-pdf-broken")
        if pages > PDF_MAX_PAGES:
            raise EvidenceRejected("evidence-pdf-too-complex")
        found = _Walk(time.monotonic() + PDF_MAX_SECONDS).findings(reader)
    except EvidenceRejected:
        raise
    except (_TooComplex, RecursionError) as exc:
        raise EvidenceRejected("evidence-pdf-too-complex") from exc
    except Exception as exc:  # pypdf's PdfReadError and whatever a broken file makes it raise
        log.info("a PDF refused as unreadable: %s", f"{type(exc).__name__}: {exc}"[:200])
        raise EvidenceRejected("evidence-pdf-broken") from exc
    for key in _PRECEDENCE:
        if key in found:
            raise EvidenceRejected(key)


class _Walk:
    """Every object reachable from the trailer, each once, within a time and object budget."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.seen: set[tuple[int, int]] = set()
        self.visited = 0
        self.found: set[str] = set()

    def findings(self, reader: Any) -> set[str]:
        self._visit(reader.trailer, 0)
        return self.found

    def _tick(self) -> None:
        self.visited += 1
        if self.visited > PDF_MAX_OBJECTS or (self.visited % 256 == 0
                                               and time.monotonic() > self.deadline):
            raise _TooComplex

    def _visit(self, value: Any, depth: int) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

        stack = [(value, depth)]
        while stack:
            item, level = stack.pop()
            if isinstance(item, IndirectObject):
                ref = (item.idnum, item.generation)
                if ref in self.seen:
                    continue
                self.seen.add(ref)
                item = item.get_object()
            self._tick()
            if level > PDF_MAX_DEPTH:
                raise _TooComplex
            if isinstance(item, DictionaryObject):  # streams are dictionaries too
                self._look(item)
                stack.extend((child, level + 1) for key, child in item.items()
                             if key != "/Parent")
            elif isinstance(item, ArrayObject):
                stack.extend((child, level + 1) for child in item)

    def _look(self, entry: Any) -> None:
        from pypdf.generic import DictionaryObject

        keys = set(entry.keys())
        if keys & _SCRIPT_KEYS:
            self.found.add("evidence-pdf-script")
        if keys & _EMBEDDED_KEYS or entry.get("/Type") == "/EmbeddedFile":
            self.found.add("evidence-pdf-embedded")
        if "/Launch" in keys:
            self.found.add("evidence-pdf-launch")
        action_type = entry.get("/S")
        if isinstance(action_type, str) and action_type in _ACTION_TYPES:
            rule = _ACTION_TYPES[action_type]
            if rule is not None:
                self.found.add(rule)
        for trigger in ("/OpenAction", "/AA"):
            if trigger not in keys:
                continue
            action = entry[trigger]
            action = action.get_object() if hasattr(action, "get_object") else action
            if trigger == "/AA" or (isinstance(action, DictionaryObject)
                                   and action.get("/S") != "/GoTo"):
                # Additional actions run on opening, closing or hovering; an OpenAction that
                # does more than show a page (a destination array is only that) acts alone.
                self.found.add("evidence-pdf-action")
