"""Councils across years: identity by code, reorganisations, and ``--la`` look-up.

A council is identified by its 3-digit DfE code (``old_la_code``), which DfE keeps when
only the 9-character ONS code changes (a county council replaced by a unitary council
for the same area: Buckinghamshire 2020, North Yorkshire and Somerset 2023), so those
series run on unbroken. Where the area itself changed (Dorset with Bournemouth,
Christchurch and Poole in 2019; Northamptonshire in 2021; Cumbria in 2023) DfE gives the
new councils new 3-digit codes: their series start in the year of the change and the
predecessors' figures are not spliced on (a different area), with a note saying so.
:data:`REORGANISATIONS` lists them; :meth:`CouncilDirectory.covering` follows them to
find the council(s) that covered an area in another year (used for configured
comparators).

Years are DfE ``time_period`` values: the calendar year in which the reporting year
ends (2024 = 2023-24).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

ENGLAND_CODE = "E92000001"
LONDON_CODE = "E12000007"
#: Inner and Outer London: London boroughs carry these as ``region_code``; their region is London.
LONDON_SUB_REGIONS = {"E13000001": "Inner London", "E13000002": "Outer London"}
#: Statuses that mean "this council did not exist (or report) then", as opposed to a suppressed figure.
ABSENT_STATUSES = frozenset({"x", "z", "blank", "absent"})


@dataclass(frozen=True)
class Reorganisation:
    """A change of council code or area.

    Attributes
    ----------
    first_year : int
        ``time_period`` of the first reporting year under the new arrangement.
    kind : str
        ``new code`` (same area, DfE code kept: the series continues), ``merger``,
        ``split`` or ``boundary change`` (new DfE codes: the series breaks).
    before, after : tuple of (str, str)
        ``(old_la_code, new_la_code)`` of the councils before and after.
    links : tuple of (str, str)
        ``(before, after)`` DfE codes whose areas largely coincide; used to follow a
        configured comparator across the change.
    note : str
        What happened, for the report.
    """

    first_year: int
    kind: str
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, str], ...]
    note: str

    @property
    def series_break(self) -> bool:
        return self.kind != "new code"


REORGANISATIONS: tuple[Reorganisation, ...] = (
    Reorganisation(
        2020, "boundary change",
        before=(("835", "E10000009"), ("836", "E06000029"), ("837", "E06000028")),
        after=(("838", "E06000059"), ("839", "E06000058")),
        links=(("835", "838"), ("836", "839"), ("837", "839")),
        note="In April 2019 Dorset County Council (835) and the unitary councils of Bournemouth (837) and "
             "Poole (836) were replaced by Dorset Council (838) and Bournemouth, Christchurch and Poole (839); "
             "Christchurch moved from Dorset to the new BCP area. New areas: the series start in 2019-20.",
    ),
    Reorganisation(
        2021, "new code",
        before=(("825", "E10000002"),), after=(("825", "E06000060"),), links=(("825", "825"),),
        note="In April 2020 Buckinghamshire County Council became the unitary Buckinghamshire Council for the "
             "same area: ONS code E10000002 until 2019-20, E06000060 from 2020-21; DfE code 825 throughout, "
             "one continuous series.",
    ),
    Reorganisation(
        2022, "split",
        before=(("928", "E10000021"),), after=(("940", "E06000061"), ("941", "E06000062")),
        links=(("928", "940"), ("928", "941")),
        note="In April 2021 Northamptonshire (928) was split into North Northamptonshire (940) and West "
             "Northamptonshire (941); children's services are delivered for both by a shared trust. "
             "Northamptonshire's series ends in 2020-21; the new councils' series start in 2021-22.",
    ),
    Reorganisation(
        2024, "new code",
        before=(("815", "E10000023"),), after=(("815", "E06000065"),), links=(("815", "815"),),
        note="In April 2023 North Yorkshire County Council became the unitary North Yorkshire Council for the "
             "same area: ONS code E10000023 until 2022-23, E06000065 from 2023-24; DfE code 815 throughout, "
             "one continuous series.",
    ),
    Reorganisation(
        2024, "split",
        before=(("909", "E10000006"),), after=(("942", "E06000063"), ("943", "E06000064")),
        links=(("909", "942"), ("909", "943")),
        note="In April 2023 Cumbria (909) was split into Cumberland (942) and Westmorland and Furness (943). "
             "Cumbria's series ends in 2022-23; the new councils' series start in 2023-24.",
    ),
    Reorganisation(
        2024, "new code",
        before=(("933", "E10000027"),), after=(("933", "E06000066"),), links=(("933", "933"),),
        note="In April 2023 Somerset County Council became the unitary Somerset Council for the same area: ONS "
             "code E10000027 until 2022-23, E06000066 from 2023-24; DfE code 933 throughout, one continuous "
             "series.",
    ),
)


def year_label(time_period: int) -> str:
    """``2017`` -> ``2016-17``."""
    return f"{time_period - 1}-{time_period % 100:02d}"


def slugify(name: str) -> str:
    """A council name as a slug: lower case, ASCII, words joined by hyphens.

    ``"Bristol, City of"`` -> ``bristol-city-of``; ``"St. Helens"`` -> ``st-helens``;
    ``"Bournemouth, Christchurch and Poole"`` -> ``bournemouth-christchurch-and-poole``.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("'", "").replace(".", " ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def slug_aliases(name: str) -> set[str]:
    """The slug of ``name`` and, for names such as ``"Bristol, City of"``, the short form (``bristol``)."""
    out = {slugify(name)}
    m = re.fullmatch(r"(.+),\s*(City|County) of", str(name).strip(), flags=re.IGNORECASE)
    if m:
        out.add(slugify(m.group(1)))
    return out


class UnknownCouncil(LookupError):
    """``--la`` names no council in the files; the message lists the closest names."""


class CouncilNotInYear(LookupError):
    """The council has no figures for the year asked (it did not exist then); the message says who did."""


@dataclass(frozen=True)
class Council:
    """One council, identified across years by its 3-digit DfE code.

    Attributes
    ----------
    key : str
        3-digit DfE code (``old_la_code``); the 9-character code where a file has no 3-digit code.
    name : str
        The latest published name.
    slug : str
        ``slugify(name)``; :attr:`aliases` holds every slug it answers to.
    codes : tuple of (int, str)
        ``(first time_period, new_la_code)`` for each ONS code it has had, in order.
    region_code, region_name : str
        Its region; London for the London boroughs.
    sub_region_code : str
        The region code as published (Inner/Outer London for the boroughs).
    years : tuple of int
        ``time_period`` values in which the files hold figures for it.
    """

    key: str
    name: str
    slug: str
    codes: tuple[tuple[int, str], ...]
    region_code: str
    region_name: str
    sub_region_code: str
    years: tuple[int, ...]
    aliases: frozenset[str] = field(default_factory=frozenset)

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]

    def exists(self, year: int) -> bool:
        return year in self.years

    def code_in(self, year: int) -> str:
        """The 9-character code in ``year`` (the nearest earlier one, else the first)."""
        code = self.codes[0][1]
        for first, c in self.codes:
            if first <= year:
                code = c
        return code

    @property
    def code(self) -> str:
        """The latest 9-character code."""
        return self.codes[-1][1]

    def label(self) -> str:
        return f"{self.name} ({self.key})"


def _region(code: str, name: str) -> tuple[str, str]:
    if code in LONDON_SUB_REGIONS:
        return LONDON_CODE, "London"
    return code, name


class CouncilDirectory:
    """Every council in a set of published files, with its codes, years and region.

    Parameters
    ----------
    frames : sequence of DataFrame
        Tidy long tables (:func:`reporting.published.dfe.read_dfe_csv`) whose ``time_period``
        is the reporting year. A council exists in a year when some file has a number
        (or a suppressed figure) for it then; rows holding only ``x``/``z``/blank (as the
        looked-after files give for councils before their creation or after their
        abolition) do not count. Pass the population estimates aligned to the reporting
        year they serve, so that a council that made no return one year (every figure
        ``x``) still exists that year. Where files disagree on a council's 9-character code in
        a year (the looked-after files restate earlier years under today's codes), the
        first frame that has the council that year wins: pass the longest-running files first.
    """

    def __init__(self, frames: Sequence[pd.DataFrame]):
        cols = ["time_period", "old_la_code", "new_la_code", "la_name", "region_code", "region_name"]
        parts = []
        for i, f in enumerate(frames):
            la = f[f["geographic_level"].str.casefold().eq("local authority")]
            has = la["value"].notna() | ~la["status"].isin(ABSENT_STATUSES)
            g = la.assign(has=has.to_numpy()).groupby(cols, sort=False)["has"].any().reset_index()
            parts.append(g.assign(src=i))
        rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*cols, "has", "src"])
        rows["key"] = rows["old_la_code"].where(rows["old_la_code"].ne(""), rows["new_la_code"])
        rows = rows[rows["key"].ne("")]
        present = rows[rows["has"]].sort_values(["key", "time_period", "src"], kind="mergesort")
        first = present.drop_duplicates(["key", "time_period"])
        self.councils: dict[str, Council] = {}
        for key, g in first.groupby("key", sort=True):
            years = tuple(int(y) for y in g["time_period"])
            codes: list[tuple[int, str]] = []
            for y, c in zip(g["time_period"], g["new_la_code"], strict=True):
                if c and (not codes or codes[-1][1] != c):
                    codes.append((int(y), c))
            last = g.iloc[-1]
            names = set(rows.loc[rows["key"].eq(key), "la_name"]) - {""}
            aliases = frozenset().union(*(slug_aliases(n) for n in names)) if names else frozenset()
            region_code, region_name = _region(last["region_code"], last["region_name"])
            self.councils[key] = Council(
                key=key, name=last["la_name"], slug=slugify(last["la_name"]), codes=tuple(codes) or ((years[0], ""),),
                region_code=region_code, region_name=region_name, sub_region_code=last["region_code"],
                years=years, aliases=aliases)
        self._by_code: dict[str, str] = {}
        for c in self.councils.values():
            for _, code in c.codes:
                self._by_code.setdefault(code.upper(), c.key)
        for code, key in zip(rows["new_la_code"], rows["key"], strict=True):
            if code:
                self._by_code.setdefault(code.upper(), key)
        self.years: tuple[int, ...] = tuple(sorted({y for c in self.councils.values() for y in c.years}))

    # -- look-up -----------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Council:
        return self.councils[key]

    def __contains__(self, key: str) -> bool:
        return key in self.councils

    def by_slug(self, slug: str) -> list[Council]:
        """Councils answering to ``slug``, latest first (two for ``dorset``: 838 and 835)."""
        hits = [c for c in self.councils.values() if slug in c.aliases]
        return sorted(hits, key=lambda c: (-c.last_year, c.key))

    def closest(self, text: str, n: int = 5) -> list[Council]:
        """The councils whose slugs (or codes) are closest to ``text`` (difflib)."""
        probe = slugify(text) or str(text).strip().lower()
        names: dict[str, str] = {}
        for c in sorted(self.councils.values(), key=lambda c: (-c.last_year, c.key)):
            for a in sorted(c.aliases):
                names.setdefault(a, c.key)
            names.setdefault(c.key, c.key)
        hits = difflib.get_close_matches(probe, list(names), n=n * 3, cutoff=0.5)
        if not hits:
            hits = difflib.get_close_matches(probe, list(names), n=n * 3, cutoff=0.0)
        out: list[Council] = []
        for h in hits:
            c = self.councils[names[h]]
            if c not in out:
                out.append(c)
        return out[:n]

    def resolve(self, la: str, year: int | None = None) -> Council:
        """The council ``la`` names: a slug (``north-yorkshire``), a 3-digit code (``850``) or a
        9-character code (``E10000014``, any code it has had).

        Parameters
        ----------
        la : str
        year : int, optional
            ``time_period``. A slug shared by two councils (``dorset``: 835 until 2018-19, 838
            from 2019-20) picks the one with figures that year, else the latest.

        Raises
        ------
        UnknownCouncil
            No council answers to ``la``; the message lists the closest names.
        CouncilNotInYear
            The council has no figures for ``year``; the message names the years it has and,
            after a reorganisation, the council(s) covering its area that year.
        """
        text = str(la).strip()
        council: Council | None = None
        if re.fullmatch(r"\d{3}", text):
            council = self.councils.get(text)
        elif re.fullmatch(r"[A-Za-z]\d{8}", text):
            key = self._by_code.get(text.upper())
            council = self.councils.get(key) if key else None
        else:
            hits = self.by_slug(slugify(text))
            if hits:
                in_year = [c for c in hits if year is not None and c.exists(year)]
                council = (in_year or hits)[0]
        if council is None:
            close = self.closest(text)
            shown = "; ".join(f"{c.slug} ({c.name}, {c.key}, {c.code})" for c in close)
            raise UnknownCouncil(
                f"no council {text!r} in DfE's published files. Closest: {shown}. Give a slug "
                f"(lower case, hyphens, e.g. north-yorkshire), a 3-digit DfE code (850) or a 9-character "
                f"code (E10000014).")
        if year is not None and not council.exists(year):
            raise CouncilNotInYear(self._not_in_year_message(council, year))
        return council

    def _not_in_year_message(self, council: Council, year: int) -> str:
        span = f"{year_label(council.first_year)} to {year_label(council.last_year)}"
        msg = f"{council.label()} has no figures for {year_label(year)} (the files hold {span})."
        cover = [self.councils[k] for k in self.covering(council.key, year) if k in self.councils]
        if cover:
            msg += (" Its area was covered that year by " + " and ".join(
                f"{c.name} (--la {c.slug} or {c.key})" for c in cover) + ".")
        for r in self.reorganisations_for(council.key):
            msg += " " + r.note
        return msg

    # -- reorganisations ---------------------------------------------------------------------
    def reorganisations_for(self, key: str) -> list[Reorganisation]:
        """The reorganisations that involve council ``key`` (as predecessor or successor)."""
        return [r for r in REORGANISATIONS
                if key in {k for k, _ in r.before} | {k for k, _ in r.after}]

    def covering(self, key: str, year: int) -> list[str]:
        """The council(s) whose figures stand for ``key``'s area in ``year``, following
        :data:`REORGANISATIONS` forwards or backwards; ``[]`` when none has figures then."""
        if key in self.councils and self.councils[key].exists(year):
            return [key]
        out: list[str] = []
        seen = {key}
        frontier = [key]
        while frontier:
            nxt = []
            for k in frontier:
                for r in REORGANISATIONS:
                    if not r.series_break:
                        continue
                    if year >= r.first_year:
                        step = [a for b, a in r.links if b == k]
                    else:
                        step = [b for b, a in r.links if a == k]
                    for s in step:
                        if s in seen:
                            continue
                        seen.add(s)
                        if s in self.councils and self.councils[s].exists(year):
                            out.append(s)
                        else:
                            nxt.append(s)
            frontier = nxt
        return sorted(out)

    def notes(self, key: str, last_year: int) -> list[str]:
        """Notes on ``key``'s series up to ``last_year``: code changes, where it starts or ends."""
        cache = self.__dict__.setdefault("_notes_cache", {})
        if (key, last_year) not in cache:
            cache[key, last_year] = self._notes(key, last_year)
        return list(cache[key, last_year])

    def _notes(self, key: str, last_year: int) -> list[str]:
        c = self.councils[key]
        out: list[str] = []
        for r in self.reorganisations_for(key):
            ended_here = key in {k for k, _ in r.before} and c.last_year <= last_year
            if (r.first_year <= last_year or ended_here) and r.note not in out:
                out.append(r.note)
        known = {k for r in self.reorganisations_for(key) for k, _ in (*r.before, *r.after)}
        if key not in known:
            if len(c.codes) > 1:
                changes = ", ".join(f"{code} from {year_label(y)}" for y, code in c.codes)
                out.append(f"{c.name}: ONS code {changes}; DfE code {c.key} throughout, one continuous series.")
            if self.years and c.first_year > self.years[0]:
                out.append(f"{c.name}: figures from {year_label(c.first_year)} only.")
            if self.years and c.last_year < self.years[-1] and c.last_year < last_year:
                out.append(f"{c.name}: no figures after {year_label(c.last_year)}.")
        gaps = [y for y in range(c.first_year, min(c.last_year, last_year) + 1) if y not in c.years]
        if gaps:
            out.append(f"{c.name}: no figures for " + ", ".join(year_label(y) for y in gaps) + ".")
        return out

    def in_region(self, region_code: str, year: int) -> list[Council]:
        """Councils of region ``region_code`` with figures in ``year``, by name."""
        hits = [c for c in self.councils.values() if c.region_code == region_code and c.exists(year)]
        return sorted(hits, key=lambda c: (c.name, c.key))

    def table(self) -> pd.DataFrame:
        """One row per council: key, name, slug, aliases, codes, region, first and last year."""
        rows = [{"old_la_code": c.key, "name": c.name, "slug": c.slug,
                 "aliases": " ".join(sorted(c.aliases - {c.slug})),
                 "new_la_codes": " ".join(f"{code} (from {year_label(y)})" for y, code in c.codes),
                 "region_code": c.region_code, "region_name": c.region_name,
                 "first_year": year_label(c.first_year), "last_year": year_label(c.last_year),
                 "years": len(c.years)}
                for c in sorted(self.councils.values(), key=lambda c: (c.name, c.key))]
        return pd.DataFrame(rows)
