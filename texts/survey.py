"""The survey's texts that take more than one catalog entry: an owner's summary of their office's
ratings (counts only, never who), and a held burst as the region's reviewer sees it."""

from __future__ import annotations

from typing import Any

from scoring.calendar import format_jalali_date, period_title
from texts.i18n import Markup, Translator


def owner_summary(t: Translator, result: Any) -> str:
    """`result`: a `services.survey.OwnerSurvey`. Below the privacy floor an owner sees the count
    only: with the mean of three ratings they could tell who gave what."""
    lines = [t("survey-owner-title", name=result.office.name)]
    summary = result.summary
    if result.period is None or summary is None:
        lines.append(t("survey-owner-no-period"))
    else:
        lines.append(t("survey-owner-period", period=period_title(result.period.code, t.lang)))
        if summary.respondents >= summary.shown_from:
            lines.append(t("survey-owner-counted", count=summary.respondents,
                           mean=summary.mean))
            s = summary.stars
            lines.append(t("survey-owner-stars", s1=s[0], s2=s[1], s3=s[2], s4=s[3], s5=s[4]))
        elif summary.respondents:
            lines.append(t("survey-owner-counted-few", count=summary.respondents,
                           min=summary.shown_from))
        elif not summary.held:
            lines.append(t("survey-owner-none"))
        if summary.held:
            lines.append(t("survey-owner-held", count=summary.held))
        if summary.enough:
            lines.append(t("survey-owner-points", points=result.points,
                           max=result.max_points))
        else:
            lines.append(t("survey-owner-below", min=summary.min_respondents,
                           points=result.points, max=result.max_points))
    lines.append(t("survey-owner-poster-hint"))
    return "\n".join(lines)


def flag_line(t: Translator, flag: Any) -> str:
    """`flag`: a `storage.survey_scores.FlagView`."""
    separator = "، " if t.lang == "fa" else ", "
    reasons = Markup(separator.join(t(f"survey-reason-{r}") for r in flag.reason.split(",")))
    return t("survey-flag-line", name=flag.office_name, code=flag.office_code,
             count=flag.ratings, reason=reasons, date=format_jalali_date(flag.first_at, t.lang))
