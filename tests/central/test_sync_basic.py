"""A site syncs to a real PostgreSQL: rows arrive once, in order, with the live state."""

from __future__ import annotations

from sqlalchemy import select, text

from floorman.data.central import tables as central_tables
from floorman.domain.seats.events import record_event
from floorman.domain.seats.views import list_seats
from floorman.domain.sync.push import SyncPass


def test_one_site_sends_its_journal_and_live_state(central, site_floor):
    floor = site_floor("hz")
    url = central.add_site("hz")
    record_event(floor, "A-01", "ready", agent_no="1001")
    record_event(floor, "A-02", "busy", agent_no="1002")
    engine = central.engine(url)

    result = SyncPass(floor, engine).run_once()

    assert result.site == "hz" and result.pending_rows == 0
    with central.admin.connect() as conn:
        rows = (
            conn.execute(
                select(central_tables.journal.c.seq).where(central_tables.journal.c.site == "hz")
            )
            .scalars()
            .all()
        )
        state = conn.execute(select(central_tables.site_state)).mappings().one()
    assert rows == list(range(1, result.central_seq + 1)) and result.central_seq > 2
    with floor.db.read() as session:
        assert state["seats"] == [v.as_json() for v in list_seats(session)]
    assert state["staffed"] == 2 and state["open_seats"] == 6

    again = SyncPass(floor, engine).run_once()
    assert again.sent_rows == 0
    with central.admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal")).scalar() == result.central_seq
