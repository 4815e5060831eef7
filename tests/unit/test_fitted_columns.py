"""A panel's table fits its pane: short labels first, then low-value columns go, widths
counted in terminal cells (a CJK character takes two), a flexible text cut with "…"."""

from __future__ import annotations

from rich.text import Text

from floorman.widgets.fitted_columns import Column, cell_width, fitting

COLUMNS = (
    Column("id", "Slip", drop=1),
    Column("seat", "Seat"),
    Column("name", "Name"),
    Column("status", "Status", drop=2),
    Column("permission", "Permission", short="Perm."),
)
ROW = ("000001b1", "A-28", "王明王明王明", "requested", "U unapproved")


def shown(room: int) -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in fitting(COLUMNS, [ROW], room)]


def test_a_wide_pane_shows_every_column_with_its_full_label() -> None:
    assert [key for key, _ in shown(200)] == ["id", "seat", "name", "status", "permission"]
    assert shown(200)[-1] == ("permission", "Permission")


def test_a_narrow_pane_takes_short_labels_then_drops_in_rank_order() -> None:
    # Full: 10 + 6 + 14 + 11 + 14 = 55 cells with padding; without the id 45; then 34.
    assert [key for key, _ in shown(54)] == ["seat", "name", "status", "permission"]
    assert [key for key, _ in shown(40)] == ["seat", "name", "permission"]
    assert shown(40)[-1] == ("permission", "Perm.")


def test_cjk_names_count_two_cells_a_character() -> None:
    assert cell_width("王明王明王明") == 12
    assert cell_width(Text("A-28 ‼")) == 6
    assert cell_width("[bold]x[/bold]") == 1  # a str cell is markup, as the table reads it


def test_a_flexible_column_takes_the_rest_but_not_less_than_its_minimum() -> None:
    columns = (
        Column("seat", "Seat"),
        Column("text", "Alert", flex=10),
        Column("ack", "By", drop=1),
    )
    long_text = ("A-01", "x" * 200, "duty1")
    widths = {c.key: c.width for c in fitting(columns, [long_text], 40)}
    assert set(widths) == {"seat", "text", "ack"} and widths["text"] == 40 - 6 - 7 - 2
    narrow = {c.key: c.width for c in fitting(columns, [long_text], 20)}
    assert "ack" not in narrow and narrow["text"] == 20 - 6 - 2  # the rest, over its 10
