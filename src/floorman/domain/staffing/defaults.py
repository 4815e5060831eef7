"""The floor's defaults for the Erlang C calculator, one set for every interface.

The staffing screen (key 6) and `floorman staffing erlang` both start from these, so the
same call numbers give the same answer in both. The manual gives none: 80% answered
within 20 s is the common target, 85% the usual ceiling on occupancy, 30% a typical
shrinkage (breaks, training, meetings, leave). The functions in `staffing.erlang` default to no
ceiling and no shrinkage: that is Erlang C itself, not a floor.

A module of its own, with no imports, so the command line can name these in its --help
without loading the database layer for every command.
"""

DEFAULT_TARGET_SL = 0.8
DEFAULT_ANSWER_WITHIN_SECONDS = 20.0
DEFAULT_MAX_OCCUPANCY = 0.85
DEFAULT_SHRINKAGE = 0.3
