"""The indicator registry: each catalogue id bound to the function that computes it.

The catalogue (``reporting/data/indicators.csv``, a copy of the project's
``spec/indicators.csv``) fixes ids, labels, units, periods and definitions; ids are
an interface and never change. A section module registers one function per id::

    @indicator("referrals", numerator="CIN referrals with CINreferralDate in the year",
               source="DfE CIN census; Characteristics of children in need, table C1")
    def referrals(ctx: Context, period: Period) -> Measure:
        ...

Tables, charts and documentation are generated from the registry, so adding an
indicator is one catalogue row, one function and its tests.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

UNITS = ("count", "percent", "rate_per_10k")
PERIODS = ("year", "quarter", "month", "snapshot")


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    section: str
    label: str
    unit: str
    period: str
    source_data: str
    definition: str


@lru_cache(maxsize=1)
def catalogue() -> dict[str, CatalogueEntry]:
    """The indicator catalogue, in its file order."""
    text = resources.files("reporting.data").joinpath("indicators.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    out = {}
    for r in rows:
        entry = CatalogueEntry(**{k: r[k] for k in CatalogueEntry.__dataclass_fields__})
        if entry.unit not in UNITS or entry.period not in PERIODS:
            raise ValueError(f"indicators.csv: {entry.id}: unit {entry.unit!r} / period {entry.period!r} not known")
        out[entry.id] = entry
    return out


_AS_ABOVE = re.compile(r"^As above for (?P<subject>.+?)\.?$")
_REFERRAL_SOURCE = re.compile(r"ReferralSource is [0-9A-Z]+(?:-[0-9A-Z]+)?")
_NO_SOURCE = re.compile(r"referrals whose ReferralSource is [0-9A-Z]+(?:-[0-9A-Z]+)?")
_CODE = re.compile(r"\b[A-Z]{3}\b")


def full_definition(indicator_id: str) -> str:
    """The catalogue definition of ``indicator_id`` as a sentence of its own.

    Some catalogue rows only refer to the row above (``referral_source_police``: "As above
    for ReferralSource 6."). Those take the definition of the nearest row above that has its
    own, with the code it names in place of that row's code: "Share of the year's referrals
    whose ReferralSource is 6 (Police). Numerator = those referrals; denominator = referrals."
    The catalogue (a copy of the project's spec) is not changed.
    """
    cat = catalogue()
    entry = cat[indicator_id]
    m = _AS_ABOVE.match(entry.definition.strip())
    if not m:
        return entry.definition
    ids = list(cat)
    base = next((cat[i] for i in reversed(ids[:ids.index(indicator_id)])
                 if not _AS_ABOVE.match(cat[i].definition.strip())), None)
    if base is None:
        return entry.definition
    subject, text = m.group("subject"), base.definition
    code = re.fullmatch(r"ReferralSource (\S+)", subject)
    if code and _REFERRAL_SOURCE.search(text):
        return _REFERRAL_SOURCE.sub(f"ReferralSource is {code.group(1)} ({entry.label})", text, count=1)
    if subject.startswith("referrals ") and _NO_SOURCE.search(text):
        return _NO_SOURCE.sub(subject, text, count=1)
    codes = set(_CODE.findall(text))
    if re.fullmatch(r"[A-Z]{3}", subject) and len(codes) == 1:
        return re.sub(rf"\b{codes.pop()}\b", f"{subject} ({entry.label})", text, count=1)
    return f"As {base.id} ({text.rstrip('.')}), for {subject}."


@dataclass
class Measure:
    """What an indicator function returns for one period (and one breakdown).

    ``numerator`` and ``denominator`` are record-level frames (a ``child_id`` column and
    the dates that decided each record) so that ``reporting explain`` can list them;
    only their lengths leave the engine. ``value`` is set directly only for derived
    measures (e.g. a difference of two counts); otherwise the engine computes it from
    the unit: count = numerator rows, percent = 100 x numerator / denominator,
    rate_per_10k = 10,000 x numerator / ``population``.
    """

    numerator: pd.DataFrame | None = None
    denominator: pd.DataFrame | None = None
    population: int | None = None
    value: float | None = None
    breakdown: str = ""
    note: str = ""
    available: bool = True

    @classmethod
    def unavailable(cls, note: str, breakdown: str = "") -> Measure:
        return cls(available=False, note=note, breakdown=breakdown)


IndicatorFunc = Callable[..., "Measure | list[Measure]"]


@dataclass(frozen=True)
class Indicator:
    """A catalogue entry with its function and the wording of its parts."""

    entry: CatalogueEntry
    func: IndicatorFunc
    numerator: str
    denominator: str
    source: str
    module: str = field(default="")

    @property
    def id(self) -> str:
        return self.entry.id

    def __getattr__(self, name: str):
        return getattr(self.entry, name)


REGISTRY: dict[str, Indicator] = {}


def indicator(id: str, *, numerator: str, denominator: str = "", source: str) -> Callable[[IndicatorFunc], IndicatorFunc]:
    """Register ``func`` as the computation of catalogue indicator ``id``."""

    def deco(func: IndicatorFunc) -> IndicatorFunc:
        cat = catalogue()
        if id not in cat:
            raise KeyError(f"indicator {id!r} is not in the catalogue (reporting/data/indicators.csv)")
        if id in REGISTRY:
            raise KeyError(f"indicator {id!r} registered twice ({REGISTRY[id].module} and {func.__module__})")
        REGISTRY[id] = Indicator(cat[id], func, numerator, denominator, source, func.__module__)
        return func

    return deco


def registry() -> dict[str, Indicator]:
    """All registered indicators in catalogue order (importing every section module)."""
    from reporting.indicators import sections  # noqa: F401  (registers the section modules)

    return {i: REGISTRY[i] for i in catalogue() if i in REGISTRY}
