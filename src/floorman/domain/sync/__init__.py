"""Many floors, one picture: a site's journal and live state synced to a central PostgreSQL.

- `push`: store and forward from the site (the journal is the outbox).
- `snapshot`: the floor's live state as HQ sees it.
- `notices`: HQ's notices and unified wordings down, acknowledgements up.
- `region`: HQ's picture of every site.
- `admin`: setting up the central server and its sites.
"""
