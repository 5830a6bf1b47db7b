"""Read a DfE CIN census XML file into tidy tables.

The file is streamed with lxml's ``iterparse``: each ``Child`` element is turned into
rows and then freed, so a national-size file never needs its whole tree in memory.
DTDs are refused outright (no external entities, no entity expansion).

Tables (columns in :data:`reporting.schema.cin.TABLES`): ``children``,
``disabilities``, ``cin_episodes``, ``assessments`` (``kind`` = ``single``,
``initial`` or ``core``), ``assessment_factors``, ``cin_plans``, ``s47``,
``cp_plans``, ``cp_reviews``. ``episode_id``, ``assessment_id`` and ``plan_id`` are
numbered in file order; ``line`` is the element's line in the file.

With ``element_lines=True`` (validation), :attr:`CinCensus.lines` also holds, for each
table, the line of each value's own element (``CINclosureDate``, not its ``CINdetails``),
0 where the element is absent, so that a problem can point at the offending element. The
indicators do not need them, so the default read skips them (about 15% of the read's time);
they are kept in typed arrays (no Python object per value) and never reach the typed tables.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from reporting.problems import WARNING, Problem
from reporting.readers._files import check_readable, fail, parse_dates
from reporting.schema import cin as S

ISO = "%Y-%m-%d"
_PROLOG_BYTES = 1 << 16


@dataclass
class CinCensus:
    """A parsed CIN census: header values, raw string tables and notes on unknown elements."""

    file: str
    header: dict[str, str]
    raw: dict[str, pd.DataFrame]
    notes: list[Problem] = field(default_factory=list)
    # table -> the line of each value's own element (columns as the table's, but ``line``), 0 if absent
    lines: dict[str, pd.DataFrame] = field(default_factory=dict)
    _typed: dict[str, pd.DataFrame] | None = None

    def typed(self) -> dict[str, pd.DataFrame]:
        """Tables with dates as ``datetime64`` (bad or blank dates are NaT), booleans as nullable
        booleans and ``previous_plans`` as a nullable integer."""
        if self._typed is None:
            self._typed = {name: _type_table(df) for name, df in self.raw.items()}
        return self._typed


def _type_table(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy(deep=False)
    for col in out.columns:
        if col.endswith("_date"):
            out[col] = parse_dates(out[col], ISO)
        elif col in S.BOOLEAN_COLUMNS:
            low = out[col].str.lower()
            out[col] = pd.array(
                [True if v in S.TRUE_VALUES else False if v in S.FALSE_VALUES else pd.NA for v in low],
                dtype="boolean",
            )
        elif col == "previous_plans":
            out[col] = pd.to_numeric(out[col].where(out[col] != ""), errors="coerce").astype("Int64")
    return out


def _refuse_dtd(path: Path, shown: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(_PROLOG_BYTES)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        first = min(i for i in (head.find(b"<!DOCTYPE"), head.find(b"<!ENTITY")) if i >= 0)
        line = head[:first].count(b"\n") + 1
        raise fail(shown, "a DTD or entity declaration is not allowed in a CIN census file "
                          "(external entities and entity expansion are refused)", location=f"line {line}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    # UTF-16/32 with or without a byte-order mark (without one, "<" is next to a NUL byte):
    # refused here, also because the byte search for a DTD above cannot see one in them.
    if stripped.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00", b"<\x00", b"\x00<")):
        raise fail(shown, "file is UTF-16 encoded; CIN census files are UTF-8")
    if not stripped.startswith(b"<"):
        raise fail(shown, "not an XML file (it does not start with '<')", location="line 1")


def _refuse_doctype(el: etree._Element, shown: str) -> None:
    """Refuse a DTD that :func:`_refuse_dtd` could not see (declared after the first 64 KiB)."""
    info = el.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise fail(shown, "a DTD or entity declaration is not allowed in a CIN census file "
                          "(external entities and entity expansion are refused)")


def _syntax_message(exc: etree.XMLSyntaxError) -> tuple[str, int, int]:
    """The first error libxml2 logged (the cause; ``exc`` is often a later "no element found")."""
    errors = [e for e in exc.error_log if e.level_name in ("ERROR", "FATAL") and e.line > 0]
    if errors:
        first = errors[0]
        msg, line, col = first.message.strip(), first.line, first.column
    else:
        line, col = exc.position if exc.position else (0, 0)
        msg = exc.msg or str(exc)
    if "not proper UTF-8" in msg or "Invalid bytes in character encoding" in msg:
        msg = "not UTF-8 text (bytes in another encoding, e.g. Latin-1); save the file as UTF-8"
    elif "Excessive depth" in msg:
        msg = "elements nested more than 256 levels deep: not a CIN census file"
    else:
        msg = f"not well-formed XML: {msg}"
    return msg, line, col


_MEMO: dict[str, str] = {}


def _text(el: etree._Element, _memo_get=_MEMO.setdefault) -> str:
    """The element's stripped text. Repeated values (dates, codes) share one string object,
    which keeps a national-size file's tables well under 1 GB."""
    t = el.text
    if not t:
        return ""
    if t[0] <= " " or t[-1] <= " ":
        t = t.strip()
    return _memo_get(t, t) if len(t) <= 10 else t


def read_cin_census(path: Path | str, shown: str | None = None, element_lines: bool = False) -> CinCensus:
    """Stream a CIN census XML file into tidy string tables.

    Parameters
    ----------
    path : path of ``cin_census.xml``.
    shown : how the file is named in messages (default: the path).
    element_lines : also record the line of every value's own element (:attr:`CinCensus.lines`).

    Raises
    ------
    InputError
        When the file is missing, unreadable, not well-formed XML, declares a DTD, or is
        not a CIN census message (root ``Message`` with ``Children/Child``).
    """
    path = Path(path)
    shown = shown or str(path)
    check_readable(path, shown)
    _refuse_dtd(path, shown)
    _MEMO.clear()

    header: dict[str, str] = {}
    children: list[tuple] = []
    disabilities: list[tuple] = []
    episodes: list[tuple] = []
    assessments: list[tuple] = []
    factors: list[tuple] = []
    cin_plans: list[tuple] = []
    s47s: list[tuple] = []
    plans: list[tuple] = []
    reviews: list[tuple] = []
    unknown: dict[str, int] = {}
    # the line of each value's element, row after row (LINE_COLUMNS[table] per row; 0 = absent)
    child_ln, dis_ln, ep_ln, a_ln, fac_ln, cinp_ln, s47_ln, cpp_ln = (array("i") for _ in range(8))

    child_tags = S.CHILD_FIELDS
    ep_fields = S.EPISODE_FIELDS
    ep_order = list(ep_fields)
    a_kinds = {
        S.ASSESSMENTS: ("single", S.ASSESSMENT_FIELDS),
        S.INITIAL_ASSESSMENT: ("initial", S.INITIAL_ASSESSMENT_FIELDS),
        S.CORE_ASSESSMENT: ("core", S.CORE_ASSESSMENT_FIELDS),
    }
    ep_id = a_id = p_id = 0
    want_lines = element_lines

    def note(tag: str) -> None:
        unknown[tag] = unknown.get(tag, 0) + 1

    etree.clear_error_log()  # so that a syntax error's log holds this file's errors only
    context = etree.iterparse(
        str(path), events=("end",), tag=("Header", S.CHILD), resolve_entities=False,
        no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )
    doctype_checked = False
    try:
        for _, el in context:
            if not doctype_checked:
                _refuse_doctype(el, shown)
                doctype_checked = True
            if el.tag == "Header":
                for sub in el.iter():
                    if sub.tag in S.HEADER_FIELDS:
                        header[S.HEADER_FIELDS[sub.tag]] = _text(sub)
                el.clear()
                continue
            line = el.sourceline
            ident: dict[str, str] = {}
            ident_ln: dict[str, int] = {}
            eths, eth_ln = "", 0
            child_eps: list[etree._Element] = []
            dis: list[str] = []
            for sub in el:
                tag = sub.tag
                if tag == S.CHILD_IDENTIFIERS:
                    for f in sub:
                        if f.tag in child_tags:
                            ident[f.tag] = _text(f)
                            if want_lines:
                                ident_ln[f.tag] = f.sourceline
                        else:
                            note(f"{S.CHILD_IDENTIFIERS}/{f.tag}")
                elif tag == S.CHILD_CHARACTERISTICS:
                    for f in sub:
                        if f.tag == "Ethnicity":
                            eths, eth_ln = _text(f), f.sourceline
                        elif f.tag == S.DISABILITIES:
                            dis.extend(_text(d) for d in f)
                            if want_lines:
                                dis_ln.extend([d.sourceline for d in f])
                        else:
                            note(f"{S.CHILD_CHARACTERISTICS}/{f.tag}")
                elif tag == S.CIN_DETAILS:
                    child_eps.append(sub)
                elif isinstance(tag, str):
                    note(tag)
            cid = ident.get("LAchildID", "")
            sex = ident.get("Sex", ident.get("GenderCurrent", ""))
            children.append((
                cid, ident.get("UPN", ""), ident.get("FormerUPN", ""), ident.get("UPNunknown", ""),
                ident.get("PersonBirthDate", ""), ident.get("ExpectedPersonBirthDate", ""), sex,
                ident.get("PersonDeathDate", ""), eths, line,
            ))
            if want_lines:
                get = ident_ln.get
                child_ln.extend((get("LAchildID", 0), get("UPN", 0), get("FormerUPN", 0), get("UPNunknown", 0),
                                 get("PersonBirthDate", 0), get("ExpectedPersonBirthDate", 0),
                                 get("Sex", 0) or get("GenderCurrent", 0), get("PersonDeathDate", 0), eth_ln))
            disabilities.extend((cid, d) for d in dis)
            for ep in child_eps:
                ep_id += 1
                vals: dict[str, str] = {}
                vl: dict[str, int] = {}
                for f in ep:
                    tag = f.tag
                    if tag in ep_fields:
                        vals[tag] = _text(f)
                        if want_lines:
                            vl[tag] = f.sourceline
                    elif tag in a_kinds:
                        kind, fields = a_kinds[tag]
                        a_id += 1
                        av: dict[str, str] = {}
                        al: dict[str, int] = {}
                        for g in f:
                            if g.tag in fields:
                                av[fields[g.tag]] = _text(g)
                                if want_lines:
                                    al[fields[g.tag]] = g.sourceline
                            elif g.tag == S.FACTORS:
                                factors.extend((a_id, _text(h)) for h in g)
                                if want_lines:
                                    fac_ln.extend([h.sourceline for h in g])
                            else:
                                note(f"{tag}/{g.tag}")
                        assessments.append((
                            cid, ep_id, a_id, kind, av.get("start_date", ""), av.get("review_date", ""),
                            av.get("authorised_date", ""), f.sourceline,
                        ))
                        if want_lines:
                            a_ln.extend([al.get("start_date", 0), al.get("review_date", 0),
                                         al.get("authorised_date", 0)])
                    elif tag == S.CIN_PLAN_DATES:
                        pv = {g.tag: _text(g) for g in f}
                        cin_plans.append((cid, ep_id, pv.get("CINPlanStartDate", ""),
                                          pv.get("CINPlanEndDate", ""), f.sourceline))
                        if want_lines:
                            pl = {g.tag: g.sourceline for g in f}
                            cinp_ln.extend([pl.get("CINPlanStartDate", 0), pl.get("CINPlanEndDate", 0)])
                    elif tag == S.SECTION47:
                        sv = {g.tag: _text(g) for g in f}
                        s47s.append((cid, ep_id, *(sv.get(k, "") for k in S.S47_FIELDS), f.sourceline))
                        if want_lines:
                            sl = {g.tag: g.sourceline for g in f}
                            s47_ln.extend([sl.get(k, 0) for k in S.S47_FIELDS])
                    elif tag == S.CP_PLANS:
                        p_id += 1
                        cv: dict[str, str] = {}
                        cl: dict[str, int] = {}
                        for g in f:
                            if g.tag in S.CPP_FIELDS:
                                cv[g.tag] = _text(g)
                                if want_lines:
                                    cl[g.tag] = g.sourceline
                            elif g.tag == S.REVIEWS:
                                reviews.extend((cid, p_id, _text(h), h.sourceline) for h in g)
                            else:
                                note(f"{S.CP_PLANS}/{g.tag}")
                        plans.append((cid, ep_id, p_id, *(cv.get(k, "") for k in S.CPP_FIELDS), f.sourceline))
                        if want_lines:
                            cpp_ln.extend([cl.get(k, 0) for k in S.CPP_FIELDS])
                    elif isinstance(tag, str):
                        note(f"{S.CIN_DETAILS}/{tag}")
                episodes.append((cid, ep_id, *(vals.get(k, "") for k in ep_order), ep.sourceline))
                if want_lines:
                    ep_ln.extend([vl.get(k, 0) for k in ep_order])
            el.clear()
            parent = el.getparent()
            while el.getprevious() is not None:
                del parent[0]
        root = context.root
        if root is not None and not doctype_checked:
            _refuse_doctype(root, shown)
    except etree.XMLSyntaxError as exc:
        msg, line, col = _syntax_message(exc)
        raise fail(shown, msg, location=f"line {line}, column {col}") from None
    except OSError as exc:
        raise fail(shown, f"cannot be read ({exc.strerror or exc})") from None

    if root is None or root.tag != "Message":
        found = "nothing" if root is None else f"<{root.tag}>"
        raise fail(shown, f"not a CIN census message: root element is {found}, expected <Message>",
                   location="line 1")
    if not children and root.find("Children") is None:
        raise fail(shown, "not a CIN census message: no Message/Children element", location="line 1")

    def frame(name: str, rows: list[tuple]) -> pd.DataFrame:
        cols = S.TABLES[name]
        df = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("line", "episode_id", "assessment_id", "plan_id") else object)
             for c in cols})
        return df

    raw = {
        "children": frame("children", children),
        "disabilities": frame("disabilities", disabilities),
        "cin_episodes": frame("cin_episodes", episodes),
        "assessments": frame("assessments", assessments),
        "assessment_factors": frame("assessment_factors", factors),
        "cin_plans": frame("cin_plans", cin_plans),
        "s47": frame("s47", s47s),
        "cp_plans": frame("cp_plans", plans),
        "cp_reviews": frame("cp_reviews", reviews),
    }
    lines: dict[str, pd.DataFrame] = {}
    if want_lines:
        lines = {name: _lines_frame(name, arr, raw[name].index) for name, arr in (
            ("children", child_ln), ("disabilities", dis_ln), ("cin_episodes", ep_ln), ("assessments", a_ln),
            ("assessment_factors", fac_ln), ("cin_plans", cinp_ln), ("s47", s47_ln), ("cp_plans", cpp_ln))}
        lines["cp_reviews"] = pd.DataFrame({"review_date": raw["cp_reviews"]["line"].to_numpy(dtype="int32")},
                                           index=raw["cp_reviews"].index)
    notes = [
        Problem(shown, "", tag, "", f"element not in the CIN census specification (ignored; {n} times)", WARNING)
        for tag, n in sorted(unknown.items())
    ]
    _MEMO.clear()
    return CinCensus(shown, header, raw, notes, lines)


# Per table, the columns whose element lines the reader records (in the order it records them).
LINE_COLUMNS = {
    "children": ["child_id", "upn", "former_upn", "upn_unknown", "birth_date", "expected_birth_date", "sex",
                 "death_date", "ethnicity"],
    "disabilities": ["disability"],
    "cin_episodes": list(S.EPISODE_FIELDS.values()),
    "assessments": ["start_date", "review_date", "authorised_date"],
    "assessment_factors": ["factor"],
    "cin_plans": ["start_date", "end_date"],
    "s47": list(S.S47_FIELDS.values()),
    "cp_plans": list(S.CPP_FIELDS.values()),
}


def _lines_frame(name: str, arr: array, index: pd.Index) -> pd.DataFrame:
    cols = LINE_COLUMNS[name]
    values = np.frombuffer(arr, dtype=np.int32).reshape(-1, len(cols)) if len(arr) else np.zeros(
        (0, len(cols)), dtype=np.int32)
    return pd.DataFrame(values, columns=cols, index=index)

