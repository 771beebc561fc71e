"""Small, valid sample files for scripted users, tests and the demo.

The sandbox sniffs image bytes like Telegram does, and the bot checks evidence by its bytes, so
fake payloads like ``b"photo"`` are refused by one or the other. These generators produce real
(tiny) PNG, JPEG-header and PDF files of any size without any dependency.
"""

from __future__ import annotations

import struct
import zlib


def png(width: int = 2, height: int = 1, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid solid-colour PNG (correct CRCs, decodable by any image library)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def pdf(text: str = "Pishkhan sample", pad_to: int = 0) -> bytes:
    """A minimal one-page PDF; ``pad_to`` pads it (with a comment) to at least that many bytes,
    for size-limit tests."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    bare = assemble(objects)
    return bare if pad_to <= len(bare) else assemble(objects, padding=pad_to - len(bare))


def pdf_objects(objects: list[bytes], *, version: bytes = b"1.4", padding: int = 0
                ) -> tuple[bytearray, list[int]]:
    """A PDF's header and its objects, numbered from 1, and where each starts: what a
    cross-reference (a table, or a stream) points to."""
    out = bytearray(b"%PDF-" + version + b"\n")
    if padding:
        # a comment line right after the header keeps the cross-reference offsets valid
        out += b"%" + b"0" * max(0, padding - 2) + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    return out, offsets


def assemble(objects: list[bytes], *, root: int = 1, version: bytes = b"1.4",
             padding: int = 0) -> bytes:
    """A classic PDF of these objects (numbered from 1) with a correct cross-reference table;
    `padding` bytes of comment after the header."""
    out, offsets = pdf_objects(objects, version=version, padding=padding)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)
