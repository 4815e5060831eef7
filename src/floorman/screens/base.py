"""What every floorman screen shares: typed access to the app, its floor and its clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from floorman.app import FloormanApp
    from floorman.domain.context import Floor


class FloormanScreen(Screen[Any]):
    """A full screen of floorman; `self.floor` is the database, clock, config and actor.

    Every full screen gets the alert bar (bottom) and, unless it draws its own header,
    the status line (top) with the clock, who is on duty and running emergencies.
    """

    OWN_HEADER = False

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO, so subclasses keep their own.
        from textual.widgets import Footer

        from floorman.widgets.alert_bar import AlertBar
        from floorman.widgets.status_line import StatusLine

        if not self.query(AlertBar):
            # In the flow just above the footer, so neither hides the other.
            footers = self.query(Footer)
            if footers:
                self.mount(AlertBar(), before=footers.first())
            else:
                self.mount(AlertBar())
        if not self.OWN_HEADER and not self.query(StatusLine):
            self.mount(StatusLine())
        self.fm.refresh_chrome(self)

    @property
    def fm(self) -> FloormanApp:
        return cast("FloormanApp", self.app)

    @property
    def floor(self) -> Floor:
        return self.fm.floor


class FloormanModal(ModalScreen[Any]):
    """A modal of floorman with the same typed access; results come back via dismiss()."""

    @property
    def fm(self) -> FloormanApp:
        return cast("FloormanApp", self.app)

    @property
    def floor(self) -> Floor:
        return self.fm.floor
