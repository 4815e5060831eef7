"""floorman: the duty manager's console for a call-center floor."""

__version__ = "0.1.0"
