"""Emergency checklists (应急制度): the manual's procedures as data, and running them.

An emergency is a copy of one checklist run on the floor, real or as a drill. Every
action (a step done, skipped with a reason, noted, assigned, deferred; the unified
wording (统一口径) set or changed; a person marked safe; the close) is stamped with who
and when, written to the emergency's append-only timeline and to the journal in the same
transaction. All state is in the database, so a restart, a crash or a second terminal
finds every running checklist exactly as it was.

Modules: `checklists` (the TOML procedures), `views` (what an emergency shows, finding
and listing them), `lifecycle` (start, steps, wording, close), `headcount` (the
emergency's side of the one roll call, `floorman.domain.roll_call`), `report` (the
incident report as JSON data and Markdown).
"""
