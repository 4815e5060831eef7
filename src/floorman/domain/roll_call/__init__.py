"""The one roll call (点名): everyone on the floor at one moment, each marked safe by whom
and when. The visitors panel (`c`, `visitors rollcall ...`) and the emergency checklists
(`emergency safe`, the emergency screen's `r`, the incident report) all read and mark it
here, so they show the same people and the same marks.

Modules: `people` (who is on the floor now: visitors, then staff at their seats), `views`
(what a roll call shows, and its printable text), `book` (start or join, mark safe, add
someone, close; the emergency side joins through `for_emergency`).
"""
