"""Audit: a `Result` -> a canonical, hashed record; ledgers that chain and seal them; replay that re-derives
them; and the nominations a national round reads from provincial ledgers."""
