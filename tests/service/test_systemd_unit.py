"""contrib/floorman.service: the unit the README tells the floor host to install runs
`floorman serve` with options floorman's own parser takes, stops it with SIGTERM, and
does not restart it on the exit statuses restarting cannot help."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from floorman.cli import EXIT_BAD_INPUT, EXIT_UNUSABLE, build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "contrib" / "floorman.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_the_unit_runs_floorman_serve_with_options_it_takes() -> None:
    service = unit()["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "floorman"
    args = build_parser("serve").parse_args(argv[1:])
    assert args.command == "serve" and args.db and args.web
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= 30  # feeds commit, jobs finish: up to 10 s each
    assert service["Restart"] == "on-failure"
    assert set(service["RestartPreventExitStatus"].split()) == {
        str(EXIT_UNUSABLE),
        str(EXIT_BAD_INPUT),
    }
    assert service["User"] == "floorman" and service["UMask"] == "0077"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_readme_says_how_to_install_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cp contrib/floorman.service /etc/systemd/system/" in readme
    assert "systemctl daemon-reload && systemctl enable --now floorman" in readme
