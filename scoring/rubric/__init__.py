"""The rubric: what is asked, how it scores, and how a total becomes a rank.

A rubric is data: one TOML file per period (`scoring/rubrics/sample.toml` ships as a sample). This
package holds its typed model (pydantic v2, frozen) and the loader. The loader never lets a
traceback through: every problem, syntactic or semantic, comes back in `RubricError.errors` as
``"<path>: <message>"``, where the path is written like ``indicators[3].points.bands[1].min``
(indexes count from 0, as in the file's order of ``[[indicators]]`` blocks).

Rules a rubric must keep, so that scores behave (the property tests rely on them):
- every number of points is ≥ 0; negative items subtract a positive number;
- band thresholds increase and band points never decrease, so more of a quantity never scores less;
- every indicator's points are bounded (a cap, or the indicator's `max`);
- rank thresholds decrease from rank 1 down and are reachable; the service share decreases too.

Where things are (each model checks its own rules in its `_check` validator):
- `base`: office types, indicator kinds, field types, the base model, problem reporting;
- `points`: the point rules of an indicator, their checks and maxima;
- `indicator`: one question, its options, staff fields and evidence, and their checks;
- `model`: the whole rubric (negatives, external inputs, completeness, ranks), the checks that
  span it, and its look-ups (indicators for an office type, max total, the rank of a total);
- `loader`: TOML in, and every failure as a path in the file (`RubricError`);
- `writer`: a rubric back out as TOML.
"""

from scoring.rubric.base import (
    KINDS,
    OFFICE_TYPE_TITLES,
    OFFICE_TYPES,
    RESERVED_KEYS,
    Key,
    Kind,
    LongText,
    Num,
    OfficeType,
    Points,
    Problems,
    Text,
)
from scoring.rubric.indicator import Evidence, Indicator, Option, StaffField
from scoring.rubric.loader import (
    SAMPLE_PATH,
    RubricError,
    load_rubric,
    load_sample_rubric,
    parse_rubric_text,
    rubric_from_dict,
    sample_rubric_text,
)
from scoring.rubric.model import (
    Completeness,
    External,
    ExternalInput,
    NegativeItem,
    Ranks,
    Rubric,
    SatisfactionInput,
    Section,
)
from scoring.rubric.points import (
    POINT_TYPES,
    Band,
    BandsPoints,
    PerChoicePoints,
    PerStaffPoints,
    PerUnitPoints,
    PointsSpec,
    YesNoPoints,
)
from scoring.rubric.writer import rubric_to_toml_text

__all__ = [
    "KINDS",
    "OFFICE_TYPES",
    "OFFICE_TYPE_TITLES",
    "POINT_TYPES",
    "RESERVED_KEYS",
    "SAMPLE_PATH",
    "Band",
    "BandsPoints",
    "Completeness",
    "Evidence",
    "External",
    "ExternalInput",
    "Indicator",
    "Key",
    "Kind",
    "LongText",
    "NegativeItem",
    "Num",
    "OfficeType",
    "Option",
    "PerChoicePoints",
    "PerStaffPoints",
    "PerUnitPoints",
    "Points",
    "PointsSpec",
    "Problems",
    "Ranks",
    "Rubric",
    "RubricError",
    "SatisfactionInput",
    "Section",
    "StaffField",
    "Text",
    "YesNoPoints",
    "load_rubric",
    "load_sample_rubric",
    "parse_rubric_text",
    "rubric_from_dict",
    "rubric_to_toml_text",
    "sample_rubric_text",
]
