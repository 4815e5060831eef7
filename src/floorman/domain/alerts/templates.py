"""Alert texts: the one English template of each kind, and reading it back in Chinese.

Producers fill a template in (`alert_text`) and the row keeps the English text, for the
command line and the journal; a screen shows it in its own language (`localized`) by
reading the values back out of the stored text and filling in the translated template.
Kinds not listed are shown as stored.
"""

from __future__ import annotations

import re
from functools import cache

from floorman.domain.core.states import AlertSeverity
from floorman.i18n import language, t

SEVERITIES = tuple(AlertSeverity)  # lowest first: the order is the rank
# How each severity reads without colour (alert bar, wallboard, header): one table.
SEVERITY_SYMBOLS: dict[str, str] = {
    AlertSeverity.INFO: "·",
    AlertSeverity.WARNING: "◆",
    AlertSeverity.BREACH: "▲",
    AlertSeverity.SEVERE: "■",
    AlertSeverity.CRITICAL: "■",
}
# Severities drawn as errors (red) rather than warnings.
LOUD_SEVERITIES = frozenset({AlertSeverity.BREACH, AlertSeverity.SEVERE, AlertSeverity.CRITICAL})

ALERT_TEXTS: dict[str, str] = {
    "away.warning": "{agent} away from {seat}: limit {limit} near",
    "away.breach": "{agent} away from {seat}: over the {limit} limit",
    "away.severe": "{agent} away from {seat}: over twice the {limit} limit",
    "away.escalation": "{agent} away from {seat}: breach not acknowledged within {minutes} min",
    "visitor.blocked": "Blocked visitor refused at registration ({organisation})",
    "visitor.watch": "Watch list: {name} ({organisation}): {reasons}",
    "visitor.overstay": "Visitor {name}{badge} is still on the floor; expected out by {time}",
    "handover.remind": "Handover of shift {shift} not submitted; the shift ends soon",
    "handover.escalate": "Handover of shift {shift} not acknowledged by the next shift",
    "attendance.summary": "Send the month's attendance summary to the operations supervisor",
    # The count, not the first problem's text: that text is English once stored, and
    # `floorman check` says each problem in the floor's language.
    "service.check": "Daily check found {count} problem(s); run `floorman check` to see them",
}

# What each kind of alert is called where its kind is listed (the handover's alerts).
ALERT_KIND_LABELS: dict[str, str] = {
    "away.warning": "away warning",
    "away.breach": "away over the limit",
    "away.severe": "away far over the limit",
    "away.escalation": "away breach not acknowledged",
    "visitor.blocked": "blocked visitor",
    "visitor.watch": "watch-list visitor",
    "visitor.overstay": "visitor overstaying",
    "handover.remind": "handover reminder",
    "handover.escalate": "handover not acknowledged",
    "attendance.summary": "attendance summary",
    "service.check": "daily check",
    "emergency.reminder": "emergency reminder",
    "emergency.timer": "emergency timer",
}


def alert_kind_label(kind: str) -> str:
    """The English name of an alert kind (translate it with i18n.t); unknown: as stored."""
    return ALERT_KIND_LABELS.get(kind, kind)


WHO = "{name} ({staff_no})"
_WHO = re.compile(r"^(?P<name>.+) \((?P<staff_no>[^()]+)\)$")


def who(name: str, staff_no: str) -> str:
    """How alerts name an agent, as stored: "Name (staff no)"."""
    return WHO.format(name=name, staff_no=staff_no)


def shown_who(label: str) -> str:
    """A stored `who` label in the current language (Chinese brackets: 王明（1073）)."""
    found = _WHO.match(label)
    return t(WHO, **found.groupdict()) if found else label


def alert_text(kind: str, **values: object) -> str:
    """The stored (English) text of an alert of `kind`."""
    return ALERT_TEXTS[kind].format(**values)


@cache
def _reader(template: str) -> re.Pattern[str]:
    """A pattern that reads a template's values back out of a text it produced."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$", re.DOTALL)


def localized(kind: str, message: str) -> str:
    """An alert's stored English text in the current language, else as stored."""
    template = ALERT_TEXTS.get(kind)
    if template is None or language() == "en":
        return message
    found = _reader(template).match(message)
    if found is None:  # written before this template, or by hand: show it as it is
        return message
    values = found.groupdict()
    if "agent" in values:
        values["agent"] = shown_who(values["agent"])
    return t(template, **values)
