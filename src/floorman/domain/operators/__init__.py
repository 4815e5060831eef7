"""Operators, their roles and what each role may do on the floor.

Modules: `roles` (the ranks and their names), `permissions` (the one table of who may
do what, and `require`), `records` (finding and showing operator rows), `pins` (PIN
handling and hashing), `login` (authenticate), `lockout` (the wrong-PIN back-off) and
`management` (add, disable, reset a PIN).

The manual gives each role its own powers (domain.md): a duty manager or an area
manager lets an agent leave the seat, only the center director lets in a visitor from
outside the company, supervisors manage the duty managers. `PERMISSIONS` is the one
table of who may do what; every privileged domain function calls `require(floor,
action)` before it writes, so a hidden key in a screen is never the only guard.

Roles, lowest first: viewer < duty_manager < area_manager < supervisor < director.

Who is acting when `floor.actor.role` is None (nobody logged in):

- A floor with no operator rows at all is *open*: it runs as before operators existed
  (single-user, demo, first run) and `require` lets everything through. The first
  operator must be a director, and may be created without logging in (bootstrap).
  Once any operator row exists (even a disabled one) the floor is closed for good.
- On a closed floor, role None is refused every privileged action. Agent states
  (`UNAUTHENTICATED_ACTIONS`) need no login only from an actor with a `source` (a phone
  system, a feed, a script naming `--source`), journaled as that source and never as a
  person named without a PIN; a floor may also require a feed key from its config
  (`[operators] feed_key`, `require_feed_key`). A logged-in operator is always judged
  by the table, so a viewer at a screen cannot change a seat even though a phone
  system can.
- An actor with a `source` (a feed) may only do `UNAUTHENTICATED_ACTIONS`.
- On a closed floor an actor with a role must still be an active operator row; the
  row's role, not the one in memory, decides (a disabled operator's open terminal loses
  its powers at once). On an open floor the role in memory is taken as it is (tests).

Nobody disables or resets the PIN of an operator of the same or a higher role
(`management`). Personal data (visitors, roll calls, journal details) is read only by
roles `can_read_personal` allows (`require_personal`). A check that cannot be made (a
busy database) raises DatabaseError: it is never taken for "allowed".

PINs are 4 to 12 digits, kept as argon2id hashes (cost in `pins.ARGON2_PARAMETERS`).
Wrong PINs back off per operator, per terminal and per operator at a terminal, counted
in the database so every terminal shares them; the last director is never locked out of
every terminal (`lockout`).
A PIN travels as a `Pin`, whose repr is masked, so it never shows in a traceback that
prints local variables, a log or the journal.
"""
