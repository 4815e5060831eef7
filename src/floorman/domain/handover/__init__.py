"""The shift handover log (交接班): prefilled, submitted, acknowledged, locked, amended.

One handover per shift. Composing it takes a snapshot of the floor as it is and carries
over every open item of the previous handover; the outgoing duty manager writes, submits;
the incoming duty manager, a different person, reviews every section and acknowledges.
From then on the handover is locked and hash-chained; later changes are dated, chained
amendments.

The package, one job per module (import the module you need; nothing is re-exported here):

- `views`: the sections of a handover and its plain views (`HandoverView`, `ItemView`...).
- `snapshot`: the live floor state frozen into a handover (`collect_live_state`).
- `find`: which handover a reference names (`find_handover`, `get`).
- `history`: past handovers, searched (`list_handovers`).
- `writing`: what every change does: permission, lock, journal line.
- `lifecycle`: compose, edit, submit, acknowledge, amend.
- `open_items`: add, close and carry over open items.
- `chain`: canonical content, SHA-256 hashes and `verify_chain`.
- `reminders`: the reminder and escalation alerts of a shift's handover.
- `markdown`: sections as text lines and the whole handover as Markdown.
- `deadlines`: an item's deadline as a duty manager types it.
"""
