"""Reports over a date range: occupancy through the day, away minutes and alerts per hour.

Every figure is computed from the stored history (seat events and alerts), never from
what a screen happened to see, so two terminals and a later export agree. The seat
history is swept once in time order: the state of every seat at the range's start (its
last event before it), then each event in the range.

A month is ~165,000 events on a 1,000-seat floor, so the sweep counts in integer
microseconds computed by SQLite rather than in datetimes; the datetime sweep that defines
the figures is kept for ranges across a change of UTC offset.

Modules: `floor` (the floor report for a range), `sweep` (the history sweep), `figures`
(what a report holds), `export` (CSV files).
"""
