"""The handover's `s`: asks before submitting, naming the incoming duty manager.

The next shift's duty manager on the roster is who must acknowledge the handover; the
dialog names them, or says none is assigned and offers to assign one by typing a name
(the same assignment as `floorman shifts assign`). Enter submits, Esc goes back.

It is a `FormModal` with one field (the incoming manager), until the one confirm dialog
of floorman exists; then this becomes that dialog with the assignment as its option.
"""

from __future__ import annotations

from floorman.domain import shifts
from floorman.domain.core.context import Floor
from floorman.domain.handover import lifecycle
from floorman.domain.handover.views import HandoverView
from floorman.i18n import t
from floorman.screens.forms import Field, FormModal


def submit_title(view: HandoverView, next_shift: str) -> str:
    """What the dialog asks, naming the incoming manager or saying none is assigned."""
    if view.expected_incoming:
        return t(
            "Submit the handover of shift {shift} to {incoming}? It is frozen as it is now; "
            "{incoming} reviews and acknowledges it.",
            shift=view.shift_id,
            incoming=view.expected_incoming,
        )
    return t(
        "Submit the handover of shift {shift}? No incoming duty manager is assigned to the "
        "next shift ({next}): type a name to assign one, or leave it empty.",
        shift=view.shift_id,
        next=next_shift,
    )


class SubmitHandoverModal(FormModal):
    """Confirm the submit; a name typed (or changed) is assigned to the next shift first."""

    def __init__(self, floor: Floor, view: HandoverView) -> None:
        following = shifts.next_shift(floor.config, shifts.shift_by_id(floor.config, view.shift_id))
        incoming = view.expected_incoming or ""

        def submit(values: dict[str, str]) -> HandoverView:
            name = values["incoming"].strip()
            if name and name != incoming:
                shifts.assign_manager(floor, following.id, name)
            return lifecycle.submit(floor, view.id)

        super().__init__(
            submit_title(view, following.id),
            [
                Field(
                    "incoming",
                    "Incoming duty manager",
                    incoming,
                    placeholder=t("Name of the next shift's duty manager"),
                )
            ],
            submit,
        )
