"""Ranking: scored candidates -> placings within groups, ties and nominations."""
