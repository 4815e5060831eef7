"""Visitors on the floor (外来人员登记表): registration, approval, check-in and out, the watch
and block lists, export and retention.

The rules come from the manual (domain.md, floor rules): staff from another department
need a duty manager's consent; people from outside the company need the center
director's consent and an escort the whole time. On top of the paper form floorman adds
an overstay alert, a watch list and a block list, and a retention period after which
personal data is purged. The roll call that counts visitors with staff is
`floorman.domain.roll_call`.

Privacy rules kept in this package:
- the ID document number is never stored: only an HMAC (keyed with a random secret kept
  in the `visitor_secret` table) and its last four characters (`privacy`);
- phone and ID are masked in every view, export and journal row;
- journal rows about visitors carry no name, phone or ID number, because the journal is
  append-only and would otherwise keep them forever; the name lives only in the visitor
  row (and alert messages), which `retention.purge_expired` clears. The roll call reads a
  visitor's name from the visitor row, so it never holds a copy.

Modules: `records` (checked text, permission, journal), `privacy` (masking, ID hash),
`views`, `registration`, `decisions` (approve, reject), `presence` (check-in and out, who
is on the floor, listing), `lists` (watch and block lists), `export` (CSV), `retention`.
"""
