"""The survey poster: one A5 page per office, black on white, for the office's front desk.

Each page holds the office's name, city and code, short Persian instructions and two QR codes,
Bale's and Telegram's, each the office's deep link (`https://ble.ir/<bot>?start=s_<token>`,
`https://t.me/<bot>?start=s_<token>`). QR codes are drawn as vector shapes (rows of modules merged
into runs, each run overlapping the next row a hair so that no viewer shows seams) with the
standard four-module quiet zone, so they print sharp at any size and in black and white.

Text uses the bundled Vazirmatn font; Persian is shaped and laid out right to left by
matplotlib 3.11 itself, or by arabic_reshaper and python-bidi before it
(`documents.reports.shape`). Figures are built without pyplot, so a poster can be rendered in a
worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from documents.reports import FONT_PATH, shape
from scoring.text import to_persian_digits
from storage.survey import SurveyOffice, deep_link
from texts.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath

A5_MM = (148.0, 210.0)
MM = 1 / 25.4
QR_MM = 60.0  # the code with its quiet zone: about 1.6 mm a module for a link of ~60 characters
PLATFORMS = ("bale", "telegram")  # Bale first: on a right-to-left page it stands on the right
_WIDTHS: dict[tuple[str, float, bool], float] = {}


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of `url` with its four-module quiet zone, dark modules True."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=4)]


def _qr_path(matrix: Sequence[Sequence[bool]]) -> MplPath:
    from matplotlib.path import Path as MplPath

    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    overlap = 0.04  # a hair into the next row: no antialiasing seam between rows
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            top, bottom = y, y + 1 + overlap
            vertices += [(start, top), (x, top), (x, bottom), (start, bottom), (start, top)]
            codes += [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO,
                      MplPath.CLOSEPOLY]
    return MplPath(vertices, codes)


class _Page:
    """A figure measured in millimetres from the top-left corner."""

    def __init__(self, lang: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(A5_MM[0] * MM, A5_MM[1] * MM), dpi=72)
        self.canvas = FigureCanvasAgg(self.figure)
        self.lang = lang
        self.rtl = lang == "fa"

    def _font(self, size: float) -> FontProperties:
        from matplotlib.font_manager import FontProperties

        return FontProperties(fname=str(FONT_PATH), size=size)

    def _xy(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm / A5_MM[0], 1 - y_mm / A5_MM[1]

    def width_mm(self, text: str, size: float) -> float:
        # Every page repeats the same instructions: each (line, size) is measured once.
        key = (text, size, self.rtl)
        width = _WIDTHS.get(key)
        if width is None:
            item = self.figure.text(0, 0, self._shape(text), fontproperties=self._font(size))
            extent = item.get_window_extent(self.canvas.get_renderer())
            item.remove()
            width = _WIDTHS[key] = extent.width / self.figure.dpi * 25.4
            if len(_WIDTHS) > 20_000:
                _WIDTHS.clear()
        return width

    def _shape(self, text: str) -> str:
        return shape(text) if self.rtl else text

    def text(self, text: str, y_mm: float, size: float, *, align: str = "start",
             x_mm: float | None = None, max_mm: float = 128.0, min_size: float = 7.0) -> None:
        """One line; shrunk until it fits `max_mm`. `align`: start (right in Persian), centre."""
        while size > min_size and self.width_mm(text, size) > max_mm:
            size -= 0.5
        if align == "centre":
            x, ha = (x_mm if x_mm is not None else A5_MM[0] / 2), "center"
        elif self.rtl:
            x, ha = (x_mm if x_mm is not None else A5_MM[0] - 10), "right"
        else:
            x, ha = (x_mm if x_mm is not None else 10), "left"
        self.figure.text(*self._xy(x, y_mm), self._shape(text), fontproperties=self._font(size),
                         ha=ha, va="baseline", color="black")

    def paragraph(self, text: str, y_mm: float, size: float, *, max_mm: float = 128.0,
                  leading: float = 1.55, align: str = "start") -> float:
        """Words wrapped to `max_mm`; returns the baseline after the last line."""
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and self.width_mm(candidate, size) <= max_mm:
                lines[-1] = candidate
            else:
                lines.append(word)
        step = size * leading * 25.4 / 72
        for line in lines:
            self.text(line, y_mm, size, max_mm=max_mm, align=align)
            y_mm += step
        return y_mm

    def rule(self, y_mm: float) -> None:
        from matplotlib.lines import Line2D

        (x0, y), (x1, _) = self._xy(10, y_mm), self._xy(A5_MM[0] - 10, y_mm)
        self.figure.add_artist(Line2D([x0, x1], [y, y], color="black", linewidth=0.6))

    def qr(self, url: str, x_mm: float, y_mm: float, size_mm: float = QR_MM, *,
           gid: str = "qr") -> None:
        """The code of `url`, its top-left corner at (x, y) mm, as one vector shape in figure
        coordinates (an Axes per code would cost a tenth of a second a page)."""
        from matplotlib.patches import PathPatch
        from matplotlib.transforms import Affine2D

        matrix = qr_matrix(url)
        left, top = self._xy(x_mm, y_mm)
        module = size_mm / len(matrix)
        place = Affine2D().scale(module / A5_MM[0], -module / A5_MM[1]).translate(left, top)
        self.figure.add_artist(PathPatch(
            _qr_path(matrix), facecolor="black", edgecolor="none", linewidth=0,
            antialiased=False, transform=place + self.figure.transFigure, gid=gid))


def poster_figure(office: SurveyOffice, usernames: dict[str, str], lang: str = "fa"
                  ) -> Figure:
    """One office's page as a matplotlib Figure (A5 portrait)."""
    t = Translator(lang)
    page = _Page(lang)
    page.text(t("survey-poster-title"), 17, 22, align="centre")
    # The registry writes the number in a name with ASCII digits; a Persian page, in Persian.
    page.text(to_persian_digits(office.name) if page.rtl else office.name, 29, 16,
              align="centre")
    page.text(t("survey-poster-place", city=office.city, code=office.code), 37, 11,
              align="centre")
    page.rule(42)
    y = page.paragraph(t("survey-poster-lead"), 51, 12.5, align="centre")
    y = page.paragraph(t("survey-poster-lead-2"), y, 12.5, align="centre") + 1
    for step in (1, 2, 3):
        y = page.paragraph(t(f"survey-poster-step-{step}"), y + 1, 10.5)
    platforms = [p for p in PLATFORMS if p in usernames]
    slots = [A5_MM[0] / 2] if len(platforms) == 1 else [A5_MM[0] * 0.72, A5_MM[0] * 0.28]
    if not page.rtl:
        platforms.reverse()
    top = max(y + 7, 90.0)
    for platform, centre in zip(platforms, slots, strict=False):
        url = deep_link(platform, usernames[platform], office.token)
        page.text(t(f"survey-poster-{platform}"), top, 16, align="centre", x_mm=centre)
        page.qr(url, centre - QR_MM / 2, top - 1, gid=f"qr-{platform}")
        page.text(url.removeprefix("https://"), top + QR_MM + 2, 6, align="centre",
                  x_mm=centre, max_mm=66, min_size=4.5)
    y = page.paragraph(t("survey-poster-anonymous"), top + QR_MM + 13, 10.5, align="centre")
    page.paragraph(t("survey-poster-fee"), y + 1, 10.5, align="centre")
    page.rule(196)
    page.text(t("survey-poster-footer"), 202, 8, align="centre")
    return page.figure


def write_posters(offices: Iterable[SurveyOffice], usernames: dict[str, str],
                  target: str | Path | io.BytesIO, *, lang: str = "fa",
                  progress: Callable[[int], None] | None = None) -> int:
    """One page per office in one PDF; returns the number of pages."""
    from matplotlib.backends.backend_pdf import PdfPages

    if not usernames:
        raise ValueError("no bot username: a poster needs the Bale or the Telegram link")
    pages = 0
    metadata = {"Title": Translator(lang)("survey-poster-title"), "Creator": "pishkhan"}
    with PdfPages(target, metadata=metadata) as pdf:
        for office in offices:
            figure = poster_figure(office, usernames, lang)
            pdf.savefig(figure)
            figure.clear()
            pages += 1
            if progress is not None:
                progress(1)
    return pages


def poster_pdf(offices: Iterable[SurveyOffice], usernames: dict[str, str], lang: str = "fa"
               ) -> bytes:
    buffer = io.BytesIO()
    write_posters(offices, usernames, buffer, lang=lang)
    return buffer.getvalue()


def poster_png(office: SurveyOffice, usernames: dict[str, str], lang: str = "fa",
               dpi: int = 150) -> bytes:
    """The page as a PNG (a preview, and what a test looks at)."""
    buffer = io.BytesIO()
    poster_figure(office, usernames, lang).savefig(buffer, format="png", dpi=dpi,
                                                   facecolor="white")
    return buffer.getvalue()
