"""The report record: what the model carries for each queued report, and the names of its fields.

A report is a plain tuple, indexed by the names below: the hot path handles hundreds of thousands
of them a year, and a tuple made by `zip` and read by a named index costs about a quarter of a
`typing.NamedTuple`'s making and half its reading (measured on batches of 4,096 reports, the
size the intake draws them in). Every field is drawn with the report, so a page's fate is tied to the
page, whatever order the simulation handles pages in.
"""

from __future__ import annotations

from typing import Final

# (Final: the compiled model has the indices as constants, with no lookup in the module per use)
ARRIVAL: Final = 0  # arrival time, hours since the start
ASSESSMENT: Final = 1  # assessment time at full speed, hours (fast-tracked: already shortened)
ACTIONABLE: Final = 2  # whether the assessment confirms it (a notice is sent)
HOST: Final = 3  # the host's index in takedown.hosts, -1 without hosts
REMOVAL_DELAY: Final = 4  # notice to removal, hours (inf without hosts)
SOURCE: Final = 5  # the source's index in intake.sources
# with re-uploads on, three more:
REUPLOAD_DRAW: Final = 6  # uniform: whether the page comes back after removal (< the re-upload share)
REUPLOAD_DELAY: Final = 7  # removal to re-upload, hours
BLOCKED_DRAW: Final = 8  # uniform: whether the hash list stops it at upload (< the blocked share)

Report = tuple  # (float, float, bool, int, float, int[, float, float, float]), by the names above
