"""Handover (key 4): compose, submit, review and acknowledge the shift handover (交接班).

Left, the sections of the handover with a mark for each one the incoming manager has
reviewed; right, the selected section. The outgoing duty manager presses `c` to compose
(prefilled from the floor as it is, open items carried over), `e` to write the selected
text section (the summary from any other), `a` to add an open item, `x` to close one,
`s` to submit. The incoming duty manager moves through the sections with `space`
(reviewed, next) and takes the floor with `y`; from then on the handover is locked and
`m` adds a dated amendment. `h` browses and searches past handovers. All database work
runs in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from floorman.domain.core.errors import FloorError
from floorman.domain.core.states import HandoverStatus
from floorman.domain.handover import (
    find,
    lifecycle,
    markdown,
    open_items,
    reminders,
    views,
)
from floorman.domain.handover import history as handover_history
from floorman.domain.handover import open_items as handover_open_items
from floorman.domain.handover.deadlines import floor_deadline
from floorman.domain.handover.history import HandoverSummary
from floorman.domain.handover.views import SECTION_TITLES, SECTIONS, HandoverView
from floorman.domain.operators.permissions import require_personal
from floorman.i18n import t
from floorman.messages import DatabaseChanged
from floorman.screens.base import FloormanModal, FloormanScreen
from floorman.screens.forms import Field, FieldError, FormModal
from floorman.screens.handover_submit import SubmitHandoverModal
from floorman.screens.workers import reload_worker
from floorman.widgets.fitting_footer import FittingFooter

CSS = "../styles/handover.tcss"
TEXT_SECTIONS = ("summary", "instructions", "notes")
AMENDMENTS = "amendments"


def load_handover(floor: Any, ref: str | None) -> HandoverView | None:
    """The handover to show: the one asked for, else one waiting for this person to
    acknowledge, else the current shift's; None when there is none yet."""
    refs = [ref] if ref else ["pending", "current"]
    for candidate in refs:
        try:
            view = find.get(floor, candidate)
        except FloorError:
            continue
        if candidate == "pending" and floor.actor.name in (view.submitted_by, view.outgoing):
            continue
        return view
    return None


def section_prompt(view: HandoverView | None, section: str, reviewed: set[str]) -> str:
    """One line of the section list: review mark, title, and a count where it helps."""
    title = t(SECTION_TITLES.get(section, "Amendments"))
    if view is None:
        return f"  {title}"
    if section == AMENDMENTS:
        return f"  {title}" + t(" ({count})", count=len(view.amendments))
    mark = "✓" if section in reviewed or section in view.reviewed else "·"
    count = ""
    if section == "items":
        count = t(" ({count})", count=len(view.open_items))
    elif section in views.LIVE_SECTIONS:
        data = view.live_state.get(section, {})
        rows = len(data.get("rows", [])) if data.get("available") else "-"
        count = t(" ({count})", count=rows)
    return f"{mark} {title}{count}"


class HandoverScreen(FloormanScreen):
    """The handover of one shift, section by section, with the keys of the whole flow."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("c", "compose", t("Compose"), id="handover.compose"),
        Binding("e", "edit_text", t("Write section"), id="handover.edit"),
        Binding("a", "add_item", t("Add item"), id="handover.add_item"),
        Binding("x", "close_item", t("Close item"), id="handover.close_item"),
        Binding("s", "submit", t("Submit"), id="handover.submit"),
        Binding("space", "review", t("Reviewed, next"), id="handover.review"),
        Binding("y", "acknowledge", t("Acknowledge"), id="handover.acknowledge"),
        Binding("m", "amend", t("Amend"), id="handover.amend"),
        Binding("h", "history", t("History"), id="handover.history"),
    ]
    HELP = t(
        "Handover: the outgoing duty manager presses c to compose it (prefilled from the "
        "floor, open items carried over), presses e to write the summary (or the selected "
        "Instructions or Notes section; ctrl+s saves), a adds an open item (text, owner, "
        "deadline such as 18:00, tomorrow 09:00, +2h or end of shift), x closes one by its "
        "number, s submits. The incoming duty manager (another person) reviews each "
        "section with space and acknowledges with y; then it is locked and m adds a dated "
        "amendment. h browses and searches past handovers. ✓ marks a reviewed section."
    )

    # The floor's needs-you `s`: open the submit dialog once the handover is shown.
    submit_on_show = False
    composed_to_submit = False

    def compose(self) -> ComposeResult:
        yield Static("", id="handover-header")
        with Horizontal(id="handover-body"):
            yield OptionList(id="handover-sections")
            with VerticalScroll(id="handover-detail"):
                yield Static("", id="handover-content")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.view: HandoverView | None = None
        self.ref: str | None = None
        self.reviewed: dict[str, set[str]] = {}
        sections = self.query_one(OptionList)
        sections.add_options(
            [Option(section_prompt(None, s, set()), id=s) for s in (*SECTIONS, AMENDMENTS)]
        )
        sections.highlighted = 0
        sections.focus()
        self.reload()
        self.fm.run_in_thread(
            lambda: reminders.ensure_reminders_quietly(self.floor), lambda _: None
        )

    # ------------------------------------------------------------------ loading
    @reload_worker("handover-reload")
    def reload(self) -> None:
        require_personal(self.floor)  # the snapshot names the visitors on the floor
        view = load_handover(self.floor, self.ref)
        self.app.call_from_thread(self.show_handover, view)

    def show_handover(self, view: HandoverView | None) -> None:
        self.view = view
        self.ref = view.id if view is not None else None
        self.update_header()
        reviewed = self.reviewed_now()
        sections = self.query_one(OptionList)
        for section in (*SECTIONS, AMENDMENTS):
            sections.replace_option_prompt(section, section_prompt(view, section, reviewed))
        self.show_section()
        if self.submit_on_show and view is None and not self.composed_to_submit:
            self.composed_to_submit = True  # prefilled from the floor first, once
            self.action_compose()
        elif self.submit_on_show:
            self.submit_on_show = False
            self.action_submit()

    def submit_when_shown(self) -> None:
        """Ask to submit as soon as the current handover is read (from the floor)."""
        self.submit_on_show, self.composed_to_submit = True, False
        if self.is_mounted:
            self.reload()

    def reviewed_now(self) -> set[str]:
        return self.reviewed.setdefault(self.view.id, set()) if self.view else set()

    def update_header(self) -> None:
        view = self.view
        header = self.query_one("#handover-header", Static)
        if view is None:
            header.update(t("No handover for this shift yet: press c to compose it."))
            return
        status = {"draft": "D", "submitted": "S", "acknowledged": "L"}[view.status]
        line = t(
            "{letter} {status} · shift {shift} · {outgoing} → {incoming}",
            letter=status,
            status=t(view.status),
            shift=view.shift_id,
            outgoing=view.outgoing,
            incoming=view.incoming or view.expected_incoming or t("(none assigned)"),
        )
        if view.locked:
            line += " · " + t("locked") + f" #{(view.content_hash or '')[:12]}"
        elif view.status == HandoverStatus.SUBMITTED:
            line += " · " + t(
                "reviewed {done} of {total}",
                done=len(self.reviewed_now()),
                total=len(SECTIONS),
            )
        header.update(line)

    def current_section(self) -> str:
        sections = self.query_one(OptionList)
        index = sections.highlighted or 0
        option = sections.get_option_at_index(index)
        return option.id or SECTIONS[0]

    def show_section(self) -> None:
        content = self.query_one("#handover-content", Static)
        view = self.view
        if view is None:
            content.update("")
            return
        section = self.current_section()
        zone = self.floor.config.zone()
        if section == AMENDMENTS:
            lines = [
                f"{a.at.astimezone(zone):%Y-%m-%d %H:%M} {a.author}: {a.text}"
                for a in view.amendments
            ] or [t("none")]
        else:
            lines = markdown.section_lines(view, section, zone, t)
        title = t(SECTION_TITLES.get(section, "Amendments"))
        content.update(f"[b]{title}[/b]\n\n" + "\n".join(_escape(line) for line in lines))

    @on(OptionList.OptionHighlighted)
    def section_highlighted(self) -> None:
        self.show_section()

    @on(DatabaseChanged)
    def database_changed(self) -> None:
        self.reload()

    # ------------------------------------------------------------------ actions
    def run_domain(self, func: Callable[[], Any], message: str) -> None:
        def done(result: Any) -> None:
            if isinstance(result, HandoverView):
                self.ref = result.id
            self.notify(message, timeout=3)
            self.reload()

        self.fm.run_in_thread(func, done)

    def saved(self, message: str) -> Callable[[Any], None]:
        """What to do when a form has saved (it stays open, with its error, until then)."""

        def done(result: Any) -> None:
            if result is None:
                return  # cancelled
            if isinstance(result, HandoverView):
                self.ref = result.id
            self.notify(message, timeout=3)
            self.reload()

        return done

    def need_view(self) -> HandoverView | None:
        if self.view is None:
            self.notify(t("No handover yet: press c to compose it"), severity="warning")
        return self.view

    def need_editable(self) -> HandoverView | None:
        """The handover shown, unless it is locked (then say how to amend it)."""
        view = self.need_view()
        if view is not None and view.locked:
            self.notify(
                t("This handover is acknowledged and locked: press m to add an amendment"),
                severity="warning",
            )
            return None
        return view

    def action_compose(self) -> None:
        self.ref = None
        self.run_domain(lambda: lifecycle.compose(self.floor), t("Handover prefilled"))

    def action_edit_text(self) -> None:
        view = self.need_editable()
        if view is None:
            return
        section = self.current_section()
        if section not in TEXT_SECTIONS:
            section = "summary"  # from any other section, e writes the summary
        ref, floor = view.id, self.floor
        self.app.push_screen(
            TextModal(
                t(SECTION_TITLES[section]),
                getattr(view, section),
                lambda text: lifecycle.edit(floor, ref, **{section: text}),
            ),
            self.saved(t("Saved")),
        )

    def action_add_item(self) -> None:
        view = self.need_editable()
        if view is None:
            return
        ref, floor = view.id, self.floor

        def add(values: dict[str, str]) -> Any:
            try:
                when = floor_deadline(floor, values["deadline"])
            except FloorError as exc:
                raise FieldError("deadline", deadline_problem(str(exc))) from exc
            return open_items.add_item(
                floor, ref, values["text"], owner=values["owner"], deadline=when
            )

        self.app.push_screen(
            FormModal(
                t("Open item"),
                [
                    Field("text", "What"),
                    Field("owner", "Owner"),
                    Field(
                        "deadline",
                        "Deadline",
                        placeholder=t("e.g. 18:00, tomorrow 09:00, +2h, end of shift"),
                    ),
                ],
                add,
            ),
            self.saved(t("Item added")),
        )

    def action_close_item(self) -> None:
        view = self.need_editable()
        if view is None:
            return
        ref, floor = view.id, self.floor
        self.app.push_screen(
            FormModal(
                t("Close an open item"),
                [Field("item", "Item number"), Field("note", "Note")],
                lambda values: handover_open_items.close_item(
                    floor, ref, values["item"], values["note"] or None
                ),
            ),
            self.saved(t("Item closed")),
        )

    def action_submit(self) -> None:
        """Ask first, naming who takes the floor (or offering to assign someone)."""
        view = self.need_editable()
        if view is not None:
            self.app.push_screen(SubmitHandoverModal(self.floor, view), self.saved_submit)

    def saved_submit(self, result: Any) -> None:
        if isinstance(result, HandoverView):
            incoming = result.expected_incoming or t("(none assigned)")
            self.saved(t("Handover submitted to {incoming}", incoming=incoming))(result)

    def action_review(self) -> None:
        view = self.need_view()
        if view is None:
            return
        section = self.current_section()
        if section in SECTIONS:
            self.reviewed_now().add(section)
            self.query_one(OptionList).replace_option_prompt(
                section, section_prompt(view, section, self.reviewed_now())
            )
        sections = self.query_one(OptionList)
        index = sections.highlighted or 0
        if index + 1 < sections.option_count:
            sections.highlighted = index + 1
        self.update_header()

    def action_acknowledge(self) -> None:
        view = self.need_view()
        if view is None:
            return
        ref, reviewed = view.id, sorted(self.reviewed_now())
        missing = [s for s in SECTIONS if s not in reviewed]
        if view.status == HandoverStatus.SUBMITTED and missing:
            # Said here in the manager's words; the domain refuses the same, by section id.
            names = t(", ").join(t(SECTION_TITLES[s]) for s in missing)
            self.notify(
                t("Review every section first (space); not reviewed: {sections}", sections=names),
                severity="warning",
            )
            return
        self.run_domain(
            lambda: lifecycle.acknowledge(self.floor, ref, reviewed),
            t("Handover acknowledged: you have the floor"),
        )

    def action_amend(self) -> None:
        view = self.need_view()
        if view is None:
            return
        if not view.locked:
            # Said before any typing: an amendment only goes below an acknowledged handover.
            self.notify(
                t(
                    "This handover is not acknowledged yet, so there is nothing to amend: "
                    "press e to write in it directly"
                ),
                severity="warning",
            )
            return
        ref, floor = view.id, self.floor
        self.app.push_screen(
            TextModal(t("Amendment"), "", lambda text: lifecycle.amend(floor, ref, text)),
            self.saved(t("Amendment added")),
        )

    def action_history(self) -> None:
        def chosen(handover_id: str | None) -> None:
            if handover_id:
                self.ref = handover_id
                self.reload()

        self.app.push_screen(HistoryModal(), chosen)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class TextModal(FormModal):
    """Several lines of text (a section, an amendment): ctrl+s saves, Esc cancels; the
    cursor opens after the last character, so the first key adds to the text."""

    def __init__(self, title: str, text: str, save: Callable[[str], Any]) -> None:
        super().__init__(
            title, [Field("text", "", text, multiline=True)], lambda values: save(values["text"])
        )


def deadline_problem(reason: str) -> str:
    """The form's word on a deadline it cannot read, with the forms it can."""
    return (
        reason
        + "\n"
        + t("Type 18:00, tomorrow 09:00, 2026-11-24 09:00, +2h, +30m, end of shift or next shift")
    )


class HistoryModal(FloormanModal):
    """Past handovers, newest first; type to search, Enter opens the highlighted one."""

    BINDINGS = [Binding("escape", "cancel", t("Cancel"), id="handover.history.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-history"):
            yield Label(t("[b]Handover history[/b] · type to search · ↓ then Enter opens"))
            yield Input(placeholder=t("search"), id="history-search")
            yield OptionList(id="history-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.search("")

    @reload_worker("handover-history")
    def search(self, term: str) -> None:
        with self.floor.db.read() as session:
            rows = handover_history.list_handovers(session, search=term or None)
        self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[HandoverSummary]) -> None:
        listing = self.query_one("#history-list", OptionList)
        listing.clear_options()
        listing.add_options(
            [
                Option(
                    _escape(
                        f"{r.shift_id}  {t(r.status)}  {r.outgoing} → {r.incoming or '-'}  "
                        f"{r.summary}"
                    ),
                    id=r.id,
                )
                for r in rows
            ]
        )
        if rows:
            listing.highlighted = 0

    @on(Input.Changed, "#history-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#history-search")
    def open_first(self) -> None:
        listing = self.query_one("#history-list", OptionList)
        if listing.option_count:
            self.dismiss(listing.get_option_at_index(listing.highlighted or 0).id)

    @on(OptionList.OptionSelected, "#history-list")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
