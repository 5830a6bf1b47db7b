"""Write tidy tables back out as raw files in the formats of ``DATA_CONTRACT.md``.

The inverse of :mod:`reporting.readers`: CIN census tables (the reader's tidy column
names, dates as ``datetime64``) become a CIN census XML message; SSDA903 tables (DfE
column names) become CSV files with ``dd/mm/yyyy`` dates; contacts become Annex A
List 1; local extracts get ISO dates and ``true``/``false``. Element and column names
come from :mod:`reporting.schema` for the collection year. Used by the calibrated demo;
``tests/test_writers.py`` checks that reading a written file gives the tables back.

Every file is written atomically (temporary name in the same folder, then rename).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from reporting.periods import ReportingYear
from reporting.schema import cin as C
from reporting.schema import ssda903 as S903
from reporting.schema.annex_a import CONTACTS_COLUMNS
from reporting.schema.annex_a import DATE_FORMAT as ANNEX_DATE
from reporting.schema.cin import cin_spec
from reporting.schema.local import LOCAL_EXTRACTS
from reporting.schema.ssda903 import ssda903_spec


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _text(values: pd.Series, date_format: str = "%Y-%m-%d") -> pd.Series:
    """Values as text: dates formatted, booleans true/false, missing as ``""``."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime(date_format).fillna("")
    if pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
        return values.map({True: "true", False: "false"}).astype(object).fillna("")
    if str(values.dtype) == "Int64":
        return values.astype("string").fillna("").astype(object)
    return values.fillna("").astype(str)


def _leaf(tag: str, values: pd.Series) -> pd.Series:
    """``<tag>value</tag>`` per row, or ``""`` where the value is blank (optional elements are omitted)."""
    text = _text(values)
    out = "<" + tag + ">" + text.map(escape) + "</" + tag + ">\n"
    return out.where(text != "", "")


def _join(parts: list[pd.Series]) -> pd.Series:
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _group(inner: pd.Series, keys: pd.Series, tag: str | None = None) -> pd.Series:
    """Concatenate ``inner`` strings per key (in row order), wrapped in ``<tag>`` per row if given."""
    s = inner if tag is None else ("<" + tag + ">\n" + inner + "</" + tag + ">\n")
    return s.groupby(keys.to_numpy(), sort=False).agg("".join)


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``table[key]`` per row as text, ``""`` where absent (also when ``table`` is empty)."""
    return keys.map(table).astype(object).fillna("")


def _reverse(mapping: Mapping[str, str]) -> dict[str, str]:
    return {tidy: element for element, tidy in mapping.items()}


def cin_census_xml(tables: Mapping[str, pd.DataFrame], year: ReportingYear | str, lea: str) -> bytes:
    """A CIN census message for ``year`` from tidy tables (columns as ``schema.cin.TABLES``).

    Children appear in the order of ``tables["children"]``; episodes, assessments, plans
    and reviews in their table order.
    """
    year = ReportingYear.parse(year)
    spec = cin_spec(year)
    kids = tables["children"].reset_index(drop=True)
    eps = tables["cin_episodes"].reset_index(drop=True)

    # assessments (single, initial, core) per episode
    a = tables["assessments"].reset_index(drop=True)
    fac = tables["assessment_factors"]
    fac_xml = _group(_leaf("AssessmentFactors", fac["factor"]), fac["assessment_id"]) if len(fac) else pd.Series(dtype=object)
    a_parts = []
    for kind, tag, fields in (("single", C.ASSESSMENTS, C.ASSESSMENT_FIELDS),
                              ("initial", C.INITIAL_ASSESSMENT, C.INITIAL_ASSESSMENT_FIELDS),
                              ("core", C.CORE_ASSESSMENT, C.CORE_ASSESSMENT_FIELDS)):
        sub = a[a["kind"] == kind]
        if not len(sub):
            continue
        rev = _reverse(fields)
        body = _join([_leaf(rev[c], sub[c]) for c in ("start_date", "review_date", "authorised_date") if c in rev])
        if kind == "single":
            f = _lookup(sub["assessment_id"], fac_xml)
            body = body + ("<" + C.FACTORS + ">\n" + f + "</" + C.FACTORS + ">\n").where(f != "", "")
        a_parts.append(pd.DataFrame({"episode_id": sub["episode_id"], "order": sub["assessment_id"],
                                     "xml": "<" + tag + ">\n" + body + "</" + tag + ">\n"}))
    a_xml = (pd.concat(a_parts).sort_values(["episode_id", "order"], kind="mergesort")
             .groupby("episode_id", sort=False)["xml"].agg("".join)) if a_parts else pd.Series(dtype=object)

    def module(table: str, tag: str, fields: Mapping[str, str], extra: pd.Series | None = None) -> pd.Series:
        df = tables[table].reset_index(drop=True)
        if not len(df):
            return pd.Series(dtype=object)
        rev = _reverse(fields)
        body = _join([_leaf(rev[c], df[c]) for c in fields.values() if c in df.columns])
        if extra is not None:
            body = body + extra.reindex(df.index).astype(object).fillna("")
        return _group(body, df["episode_id"], tag)

    plan_df = tables["cp_plans"].reset_index(drop=True)
    rev_df = tables["cp_reviews"]
    reviews = (_group(_leaf(C.REVIEW_FIELD, rev_df["review_date"]), rev_df["plan_id"]) if len(rev_df)
               else pd.Series(dtype=object))
    plan_extra = _lookup(plan_df["plan_id"], reviews)
    plan_extra = ("<" + C.REVIEWS + ">\n" + plan_extra + "</" + C.REVIEWS + ">\n").where(plan_extra != "", "")
    cpp_fields = dict(C.CPP_FIELDS)
    if not spec.previous_cpp:
        cpp_fields.pop("NumberOfPreviousCPP")

    ep_rev = _reverse(C.EPISODE_FIELDS)
    ep_body = _join([_leaf(ep_rev[c], eps[c]) for c in C.EPISODE_FIELDS.values()])
    for extra in (a_xml, module("cin_plans", C.CIN_PLAN_DATES, C.CIN_PLAN_FIELDS),
                  module("s47", C.SECTION47, C.S47_FIELDS),
                  module("cp_plans", C.CP_PLANS, cpp_fields, plan_extra)):
        ep_body = ep_body + _lookup(eps["episode_id"], extra)
    ep_xml = _group(ep_body, eps["child_id"], C.CIN_DETAILS)

    dis = tables["disabilities"]
    dis_xml = _group(_leaf("Disability", dis["disability"]), dis["child_id"]) if len(dis) else pd.Series(dtype=object)
    child_rev = _reverse({k: v for k, v in C.CHILD_FIELDS.items() if k not in ("GenderCurrent", "Sex", "Ethnicity")})
    ident = _join([_leaf(child_rev[c], kids[c]) if c != "sex" else _leaf(spec.sex_element, kids[c])
                   for c in ("child_id", "upn", "former_upn", "upn_unknown", "birth_date", "expected_birth_date",
                             "sex", "death_date")])
    d = _lookup(kids["child_id"], dis_xml)
    chars = _leaf("Ethnicity", kids["ethnicity"]) + ("<" + C.DISABILITIES + ">\n" + d + "</" + C.DISABILITIES
                                                     + ">\n").where(d != "", "")
    child_xml = ("<Child>\n<" + C.CHILD_IDENTIFIERS + ">\n" + ident + "</" + C.CHILD_IDENTIFIERS + ">\n<"
                 + C.CHILD_CHARACTERISTICS + ">\n" + chars + "</" + C.CHILD_CHARACTERISTICS + ">\n"
                 + _lookup(kids["child_id"], ep_xml) + "</Child>\n")
    ref = year.end.strftime("%Y-%m-%d")
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message>\n<Header>\n<CollectionDetails>\n'
        f"<Collection>CIN</Collection>\n<Year>{year.collection_end_year}</Year>\n"
        f"<ReferenceDate>{ref}</ReferenceDate>\n</CollectionDetails>\n<Source>\n<SourceLevel>L</SourceLevel>\n"
        f"<LEA>{escape(lea)}</LEA>\n<SoftwareCode>reporting demo</SoftwareCode>\n<Release>1</Release>\n"
        f"<SerialNo>1</SerialNo>\n<DateTime>{ref}T00:00:00</DateTime>\n</Source>\n</Header>\n<Children>\n"
    )
    return (head + "".join(child_xml.tolist()) + "</Children>\n</Message>\n").encode("utf-8")


def csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def ssda903_csvs(tables: Mapping[str, pd.DataFrame], year: ReportingYear | str) -> dict[str, bytes]:
    """File name -> CSV bytes for the SSDA903 tables given (DfE column names, ``dd/mm/yyyy`` dates)."""
    spec = ssda903_spec(year)
    names = {table: fname for fname, (table, _) in S903.FILES.items()}
    out = {}
    for table, df in tables.items():
        cols = spec.columns(table) + [c for c in S903.EXTRA_COLUMNS.get(table, []) if c in df.columns]
        frame = pd.DataFrame({c: (_text(df[c], S903.DATE_FORMAT) if c in df.columns else "") for c in cols})
        out[names[table]] = csv_bytes(frame)
    return out


def contacts_csv(df: pd.DataFrame) -> bytes:
    """Annex A List 1 from a tidy contacts table (``child_id``, ``contact_date``, ...)."""
    frame = pd.DataFrame({annex: (_text(df[tidy], ANNEX_DATE) if tidy in df.columns else "")
                          for annex, tidy in CONTACTS_COLUMNS.items()})
    return csv_bytes(frame)


def extract_csv(name: str, df: pd.DataFrame) -> bytes:
    """A local extract (ISO dates, ``true``/``false``) from its tidy table."""
    spec = LOCAL_EXTRACTS[name]
    frame = pd.DataFrame({col: (_text(df[tidy]) if tidy in df.columns else "") for col, tidy in spec.columns.items()})
    return csv_bytes(frame)
