"""`floorman serve`: the floor host's one long-running process per floor database.

It runs, with no terminal open, what keeps the floor alive: the alert scheduler (the
same atomic claims as terminals), the configured feeds, backups and retention, a daily
integrity check, and a health file for `floorman status`. No Textual here except in
`web.py`, which serves the Textual console and the wallboard to browsers.
"""
