"""Exports are created owner-only, never over a file unless forced, never through a link."""

from __future__ import annotations

import os
import stat

import pytest

from floorman.domain.core.errors import FloorError
from floorman.domain.core.files import new_export


def test_new_export_is_owner_only(tmp_path):
    path = tmp_path / "away.csv"
    with new_export(path) as handle:
        handle.write("seat,agent\n")
    assert path.read_text() == "seat,agent\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_file_is_kept_unless_forced(tmp_path):
    path = tmp_path / "away.csv"
    path.write_text("yesterday\n")
    with pytest.raises(FloorError, match="already exists"), new_export(path) as handle:
        handle.write("today\n")
    assert path.read_text() == "yesterday\n"
    with new_export(path, force=True) as handle:
        handle.write("today\n")
    assert path.read_text() == "today\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_symbolic_link_is_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "export.csv"
    os.symlink(victim, link)
    for force in (False, True):
        with pytest.raises(FloorError, match="symbolic link"), new_export(link, force=force):
            pass
    assert victim.read_text() == "precious\n"


def test_a_failure_while_writing_leaves_no_file(tmp_path):
    path = tmp_path / "report.md"
    with pytest.raises(RuntimeError), new_export(path) as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
