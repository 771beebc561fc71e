"""An office's published result in words: the total, each indicator with its reason, negative
points, the rank, the service share it allows and the change from the previous period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.calendar import period_title
from storage.result_views import ResultView
from texts.i18n import Markup, Translator, format_number


def _title(line: Any, lang: str) -> str:
    return line.title_fa if lang == "fa" else line.title_en


def _signed(value: Decimal, lang: str) -> Markup:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return Markup(sign + format_number(abs(value), lang))


def result_text(t: Translator, view: ResultView, cache: dict[Any, str] | None = None) -> str:
    """The owner's result: total, rank and share, the reason for every line, negatives, and the
    change from the previous period. `cache` (one per language and platform) keeps the lines
    that many offices share, so that publishing to thousands renders each once."""
    b = view.breakdown
    lang = t.lang
    memo: dict[Any, str] = cache if cache is not None else {}

    def once(key: Any, make: Any) -> str:
        text = memo.get(key)
        if text is None:
            text = memo[key] = make()
        return text

    def line_text(message: str, line: Any) -> str:
        def make() -> str:
            return t(message, title=_title(line, lang), points=line.points,
                     max=line.max_points, reason=Markup(t(line.reason_key, **line.reason_args)))

        try:
            return once((message, line[:7], tuple(line.reason_args.items())), make)
        except TypeError:  # an argument that cannot be a key: render it every time
            return make()

    lines = [once(("title", view.period_code),
                  lambda: t("result-title", period=period_title(view.period_code, lang))),
             t("result-office", name=view.office_name, code=view.office_code),
             t("result-total", total=b.total, max=b.max_total, rank=b.rank)]
    if b.service_share >= 100:
        lines.append(once("share-all", lambda: t("result-share-all")))
    else:
        lines.append(once(("share", b.service_share),
                          lambda: t("result-share-part", share=b.service_share)))
    lines.append(once(("source", b.source), lambda: t(f"result-source-{b.source}")))
    lines += ["", once("breakdown", lambda: t("result-breakdown"))]
    lines += [line_text("result-line", line) for line in b.lines]
    if b.negatives:
        lines += ["", once("negatives", lambda: t("result-negatives"))]
        lines += [line_text("result-negative-line", line) for line in b.negatives]
    else:
        lines.append(once("no-negatives", lambda: t("result-no-negatives")))
    lines.append("")
    if view.previous is None:
        lines.append(t("result-no-previous"))
    else:
        before = period_title(view.previous.period_code, lang)
        delta = _signed(b.total - view.previous.total, lang)
        if view.previous.rank == b.rank:
            lines.append(t("result-change-same-rank", period=before, delta=delta, rank=b.rank))
        else:
            lines.append(t("result-change", period=before, delta=delta,
                           old=view.previous.rank, new=b.rank))
    return "\n".join(lines)
