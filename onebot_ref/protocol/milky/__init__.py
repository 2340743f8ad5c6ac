"""Milky 1.2 rules as pure functions and tables (placeholder docstring, completed below)."""
