"""The one form modal of floorman: fields described, saved through the domain, never lost.

Every small form of the panels (send away, reasons, the extension, registering and
rejecting a visitor, a handover item or section, an emergency note or wording) is a
`FormModal` over a list of `Field`s. Enter (or ctrl+s, which also works in a multi-line
field) saves; Esc cancels; Tab moves. The save runs the caller's domain function in a
worker under the one policy (`screens.workers`): a refusal is shown inside the form,
with the cursor in the field it names and everything typed still there; a storage
error is said inside the form as well as on the banner, and the form stays open to try
again. The form closes only when the save succeeded, returning what it returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from floorman.domain.core.errors import FloorError
from floorman.i18n import t
from floorman.screens.base import FloormanModal
from floorman.screens.workers import not_saved, save_worker

Values = dict[str, str]


@dataclass(frozen=True)
class Field:
    """One field of a form: its key in the values, its English label and how it is typed.

    `choices` makes it a pick list of (shown, value); `multiline` a text area (Enter is a
    new line there, ctrl+s saves); `secret` hides what is typed (an ID number); `check`
    refuses a text before anything is saved (it raises FloorError with the reason).
    """

    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    multiline: bool = False
    secret: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    check: Callable[[str], object] | None = None


class FieldError(FloorError):
    """A form's input refused, naming the field to put the cursor back in."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FormModal(FloormanModal):
    """A titled form over the panel; `submit(values)` runs in a worker and its result is
    what the form returns (None only when cancelled)."""

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal #form {
        width: 88; max-width: 96%; height: auto; max-height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    FormModal #form-fields { height: auto; max-height: 22; }
    FormModal .form-field { height: auto; }
    FormModal .form-label { width: 30; }
    FormModal .form-field Input, FormModal .form-field Select { width: 1fr; }
    FormModal .form-field TextArea { width: 1fr; height: 10; }
    FormModal #form-error { height: auto; color: $error; text-style: bold; }
    FormModal #form-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", t("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "save", t("Save"), id="form.save", priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[Values], Any],
        *,
        focus: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.submit = submit
        self.focus_key = focus or self.fields[0].key

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.title_text, style="bold"), classes="title", id="form-title")
            with VerticalScroll(id="form-fields"):
                for field in self.fields:
                    with Horizontal(classes="form-field"):
                        if field.label:  # a lone text area goes without one
                            yield Label(t(field.label), classes="form-label")
                        yield self._widget(field)
            yield Static("", id="form-error")
            yield Static(self._hint(), id="form-hint")

    def _widget(self, field: Field) -> Widget:
        widget_id = f"form-{field.key}"
        if field.choices:
            return Select(
                field.choices,
                value=field.value or field.choices[0][1],
                allow_blank=False,
                id=widget_id,
                compact=True,
            )
        if field.multiline:
            return TextArea(field.value, id=widget_id, soft_wrap=True)
        return Input(
            field.value,
            placeholder=field.placeholder,
            password=field.secret,
            id=widget_id,
            compact=True,
            select_on_focus=False,
        )

    def _hint(self) -> str:
        if any(field.multiline for field in self.fields):
            return t("ctrl+s saves · Enter new line · Esc cancels")
        if len(self.fields) > 1:
            return t("Enter saves · Tab next field · Esc cancels")
        return t("Enter saves · Esc cancels")

    def on_mount(self) -> None:
        widget = self.query_one(f"#form-{self.focus_key}")
        widget.focus()
        if isinstance(widget, TextArea):
            # The cursor after the last character, nothing selected: the first key adds.
            widget.move_cursor(widget.document.end)

    # ------------------------------------------------------------------ values
    def value(self, key: str) -> str:
        """What is in a field now (a pick list's chosen value)."""
        widget = self.query_one(f"#form-{key}")
        if isinstance(widget, Select):
            return str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def values(self) -> Values:
        return {field.key: self.value(field.key) for field in self.fields}

    # ------------------------------------------------------------------ saving
    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Check each field here, then save in a worker; the form stays until it saved."""
        values = self.values()
        for field in self.fields:
            if field.check is None:
                continue
            try:
                field.check(values[field.key])
            except FloorError as exc:
                self.show_refusal(FieldError(field.key, str(exc)))
                return
        self.show_error("")
        self.save(values)

    @save_worker("form")
    def save(self, values: Values) -> None:
        result = self.submit(values)
        self.app.call_from_thread(self.dismiss, result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------------ the policy
    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))

    def show_refusal(self, error: FloorError) -> None:
        """Inside the form, cursor back in the field it names; what was typed stays."""
        self.show_error(str(error))
        if isinstance(error, FieldError) and self.query(f"#form-{error.field}"):
            self.query_one(f"#form-{error.field}").focus()

    def show_storage_refusal(self, text: str) -> None:
        self.show_error(not_saved(text))


class ConfirmModal(FloormanModal):
    """The one confirmation of a deliberate action (recording a violation, rejecting,
    closing an emergency early, submitting a handover). The question names whom it acts
    on (`Excuse 朱丽 (1049), A-28, away 07:35?`): the record was chosen a moment ago and
    another may have slid under the cursor since. `y` or Enter confirms, `n` or Esc
    cancels; it returns True only when confirmed, and acts on nothing itself.
    """

    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal #confirm {
        width: auto; min-width: 40; max-width: 90%; height: auto;
        border: thick $warning; background: $panel; padding: 0 1;
    }
    ConfirmModal #confirm-question { text-style: bold; }
    ConfirmModal #confirm-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", t("Yes"), id="confirm.yes", priority=True),
        Binding("n,escape", "answer(False)", t("No"), id="confirm.no", priority=True),
    ]

    def __init__(self, question: str, *, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(self.question), id="confirm-question")
            if self.detail:
                yield Static(Text(self.detail), id="confirm-detail")
            yield Static(t("y or Enter: yes · n or Esc: no"), id="confirm-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def confirm_then(
    screen: FloormanModal | Any, question: str, act: Callable[[], Any], *, detail: str = ""
) -> None:
    """Ask `question` (naming whom it acts on) and run `act()` only on yes."""

    def answered(yes: bool | None) -> None:
        if yes:
            act()

    screen.app.push_screen(ConfirmModal(question, detail=detail), answered)
