"""`python -m paritrana_rules` runs the command-line tool."""

from paritrana_rules.cli import main

raise SystemExit(main())
