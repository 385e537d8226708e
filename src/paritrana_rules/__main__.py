"""`python -m paritrana_rules` runs the command-line tool."""

try:
    from paritrana_rules.cli import main
except KeyboardInterrupt:  # Ctrl-C while the tool is still starting: as quiet as once it runs
    raise SystemExit(130) from None

raise SystemExit(main())
