"""Agent-state feeds: JSON Lines from any system, and Asterisk's queue_log.

On a real floor agent states come from the phone system. Both feeds apply their events
under the rules the `event` command applies (`seats.apply_event`: the away rules, the
alerts, the journal) and commit them in batches. A bad line writes nothing, is reported
with its line number, skipped and counted, and never stops the feed.

The modules, each one job:

- `report`: what a feed did (`FeedReport`) and a skipped line (`BadLine`).
- `jsonl`: JSON Lines events: parsing a line, applying batches (`JsonlFeed`), reading
  lines from a file or a pipe as they arrive.
- `queue_log`: Asterisk queue_log lines and their rules as pure code: parsing a line,
  its idempotency key, and what a member event does to a seat (`queue_log_action`),
  over a `MemberFloor` view of the floor handed in.
- `members`: the member map (`--map`): PBX member interfaces to seats and staff.
- `queue_log_floor`: the two `MemberFloor` views (the ORM session, a `FloorBatch`) and
  applying one record (`apply_queue_log_line`).
- `follow`: tailing a queue_log file (`FeedFollower`): offsets, rotation, truncation;
  the only module here that reads files as they grow.
- `status`: stored follow positions and events per source, for `feed status`.

Replaying never doubles an event: JSON Lines events carry an `id`; a queue_log line's
id is a hash of its byte offset and its raw bytes. `FeedFollower` also keeps, per
followed file, the inode and offset of the first unapplied line, written in the same
transaction as the events before it, so a restart resumes exactly where it stopped and
a rotated or truncated log is neither lost nor read twice.
"""
