"""Who a report is about and what its data is: the council's name and, for made-up data, a notice.

``la.toml`` names the council (``name = "Hampshire"``: what readers see; the slug
``hampshire`` stays an identifier, in paths and ``manifest.json``). The toolkit's own
councils say they are made up in a table of their ``la.toml``:

``[demo]`` with ``synthetic = true``
    the Hampshire demo (``reporting demo``), with ``calibrated = true`` when its records
    were generated to reproduce the published figures;
``[generator]`` with ``synthetic = true``
    a council written by ``reporting generate`` (uncalibrated, of any size).

Every output of a report of such a council says so (:func:`synthetic_notice`): a banner,
title and footer in ``report.html``, the title block and page header of ``report.docx``,
a line on every sheet of ``tables.xlsx`` and fields of ``manifest.json``. A real council's
``la.toml`` has neither table, and its report shows nothing of the kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEMO_NOTICE = ("Synthetic demonstration data — not real children; figures calibrated to published statistics. "
               "Do not use for decisions about a real council.")
DEMO_UNCALIBRATED_NOTICE = ("Synthetic demonstration data — not real children; the figures are made up. "
                            "Do not use for decisions about a real council.")
GENERATED_NOTICE = ("Synthetic data — not real children: records made up by the toolkit's generator "
                    "(reporting generate); the figures are not any council's. Do not use for decisions.")


def _flag(table: object, key: str) -> bool:
    return isinstance(table, Mapping) and table.get(key) is True


def synthetic_notice(extra: Mapping | None) -> str | None:
    """The notice for a council whose ``la.toml`` (its tables beyond the required keys,
    :attr:`reporting.readers.la.LaConfig.extra`) says the data is synthetic; None otherwise."""
    extra = extra or {}
    demo = extra.get("demo")
    if _flag(demo, "synthetic"):
        return DEMO_NOTICE if _flag(demo, "calibrated") else DEMO_UNCALIBRATED_NOTICE
    if _flag(extra.get("generator"), "synthetic"):
        return GENERATED_NOTICE
    return None


@dataclass(frozen=True)
class Council:
    """What the report's outputs say about the council.

    Attributes
    ----------
    slug : str
        Identifier (``hampshire``): folder names, parameters, ``manifest.json``.
    name : str
        What readers see (``Hampshire``); the slug when ``la.toml`` cannot be read.
    la_code : str
        DfE's 3-digit code, empty when unknown.
    notice : str or None
        :func:`synthetic_notice`.
    """

    slug: str
    name: str
    la_code: str = ""
    notice: str | None = None

    @property
    def synthetic(self) -> bool:
        return self.notice is not None


def council(raw_dir: Path | str, la: str) -> Council:
    """The council of ``raw_dir/la.toml`` (validation reports the file's problems: here an
    unreadable file gives the slug as the name and no notice)."""
    from reporting.readers.la import read_la_toml

    try:
        cfg = read_la_toml(Path(raw_dir) / "la.toml", la)
    except Exception:  # noqa: BLE001 - cosmetic here; `reporting validate` reports la.toml problems
        return Council(la, la)
    return Council(la, cfg.name, cfg.la_code, synthetic_notice(cfg.extra))
