"""`python -m paritrana_rules` runs the command-line tool."""

from .cli import main

raise SystemExit(main())
