"""F1 help: what the current screen is for, and every key it answers to."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen

from floorman.i18n import t
from floorman.widgets.wrapped_text import WrappedText


def printed_key(key: str) -> str:
    """A Textual key name as printed on the keyboard: "exclamation_mark" -> "!".

    Named keys (enter, escape, up, f1, space) and modifiers (ctrl+k) stay as they are;
    only names standing for one printable character become that character.
    """
    shown = []
    for one in key.split(","):
        *modifiers, name = one.strip().split("+")
        character = key_to_character(name)
        # "space" stays a word: a blank would read as no key at all.
        if character and len(character) == 1 and character.isprintable() and character != " ":
            name = character
        shown.append("+".join([*modifiers, name]))
    return ",".join(shown)


def global_key_lines(bindings: list[Any]) -> list[str]:
    """The app's keys, one line per action with all its keys: `!, f2  Emergency`."""
    keys: dict[str, list[str]] = {t("Command palette"): ["ctrl+p"]}
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            keys.setdefault(t(binding.description), []).append(printed_key(binding.key))
    return [f"  {', '.join(shown):<18} {description}" for description, shown in keys.items()]


class HelpScreen(ModalScreen[None]):
    """Help for the screen underneath: its purpose and its keys, then the global keys."""

    BINDINGS = [Binding("escape,q,f1", "dismiss", t("Close"), id="help.close")]

    def __init__(self, about: Screen[object]) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        lines = [t("Help"), ""]
        text = getattr(self.about, "HELP", "")
        if text:
            lines += [text, ""]
        lines.append(t("Keys on this screen"))
        seen: set[str] = set()
        for node in [self.about, *self.about.query("*")]:
            # Only floorman's own keys: Textual's scroll bindings (Page Up, Scroll Home...)
            # are standard, untranslated, and would bury the floor's keys.
            if not type(node).__module__.startswith("floorman."):
                continue
            for binding in getattr(node, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.key not in seen:
                    seen.add(binding.key)
                    lines.append(self._key_line(binding))
        lines += ["", t("Everywhere (the second key works inside a text field too)")]
        lines += global_key_lines(self.app.BINDINGS)
        with VerticalScroll(id="help-body"):
            yield WrappedText("\n".join(lines))

    @staticmethod
    def _key_line(binding: Binding) -> str:
        # Descriptions are translated here too: some were written before the language
        # was chosen (class attributes are built at import).
        return f"  {printed_key(binding.key):<18} {t(binding.description)}"
