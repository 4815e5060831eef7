"""Errors the domain raises for bad input or a refused action; the message is for people."""

from __future__ import annotations


class FloorError(ValueError):
    """Bad input or an impossible action; nothing was written. Message is user-facing."""


class PermissionDenied(FloorError):
    """The acting operator's role does not allow this action."""
