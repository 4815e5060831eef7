"""Pilot tests of the screens (the shared helpers are in tests/helpers.py)."""
