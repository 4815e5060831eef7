"""Revisions of the central PostgreSQL schema (branch `central`)."""
