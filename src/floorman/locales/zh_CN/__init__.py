"""Simplified Chinese catalogs, one TOML file per panel."""
