"""Starting an emergency checklist (`!` from any screen, `t` on the emergencies panel): a
digit or Enter picks the checklist, `d` makes it a drill first. The new emergency is the
modal's result; the app then opens the panel on it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from floorman.domain.emergency import lifecycle
from floorman.domain.emergency.checklists import Checklist, load_checklists
from floorman.domain.emergency.views import EmergencyView
from floorman.i18n import language, t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import save_worker

CSS = "../styles/emergency.tcss"


class StartEmergencyModal(FloormanModal):
    """Pick a checklist and start it: a digit or Enter starts, `d` toggles drill mode."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "cancel", t("Cancel"), id="emergency.start.cancel"),
        Binding("d", "toggle_drill", t("Drill"), id="emergency.start.drill"),
        *[
            Binding(str(n), f"pick({n})", t("Start"), show=False, id=f"emergency.start.{n}")
            for n in range(1, 10)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.drill = False
        self.checklists: list[Checklist] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="emergency-start"):
            yield Static(t("Start an emergency checklist"), id="emergency-start-title")
            yield OptionList(id="emergency-start-list")
            yield Static("", id="emergency-start-problems")
            yield Static(t("Digit or Enter starts · d toggles drill · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        loaded = load_checklists()
        self.checklists = loaded.ordered()
        options = self.query_one(OptionList)
        lang = language()
        for index, checklist in enumerate(self.checklists, start=1):
            label = f"{index}  P{checklist.priority}  {checklist.title(lang)}"
            options.add_option(Option(label, id=checklist.kind))
        if self.checklists:
            options.highlighted = 0
        options.focus()
        if loaded.problems:
            self.query_one("#emergency-start-problems", Static).update(
                "\n".join(t("Checklist left out: {problem}", problem=p) for p in loaded.problems)
            )

    def action_toggle_drill(self) -> None:
        self.drill = not self.drill
        title = t("Start an emergency checklist")
        if self.drill:
            title = t("Start a DRILL (not a real emergency)")
        self.query_one("#emergency-start-title", Static).update(title)

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.checklists):
            self.start(self.checklists[number - 1].kind)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.start(event.option.id)

    @save_worker("emergency-start")
    def start(self, kind: str) -> None:
        view = lifecycle.start(self.floor, kind, drill=self.drill)
        self.app.call_from_thread(self.started, view)

    def started(self, view: EmergencyView) -> None:
        # The app opens the emergencies panel on the new checklist (`show_started`).
        self.dismiss(view)

    def action_cancel(self) -> None:
        self.dismiss(None)
