"""The engine's version: audit records carry it, and the package reads it here for its metadata."""

VERSION = "0.1.0"
