"""What keeps a running floorman terminal in step with the floor, without Textual.

- `scheduler`: APScheduler jobs that wake when a stored alert deadline comes due.
- `db_watch`: `PRAGMA data_version` polling, to know when another connection committed.
- `housekeeping`: floorman's own duties (scheduled backups, retention purge, reminders).

The app drives these from its workers; none of them imports textual or the screens.
"""
