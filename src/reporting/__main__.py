from __future__ import annotations

from reporting.cli import main

raise SystemExit(main())
