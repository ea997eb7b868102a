"""A cache of finished replications, so that an interrupted sweep resumes with identical numbers.

Each replication is stored under a key made of its scenario's content, the seed, the replication
number and the code's version (the package version and a hash of its source), the moment it is
finished; a replication is a pure function of those, so a cached one is exactly what running it
again would give. The cache is a hidden folder `.resume/` in the sweep's output folder.

The cache holds data, never code: results folders are shared (network drives, zip files), so
whatever is in `.resume/` is read as hostile input. One replication is one UTF-8 JSON file,
`.resume/<key>.json` (64 hex digits), written atomically, with these top-level keys:

    {"format": "hotline-sim-replication", "version": 1,
     "key": "<the file's key>", "scenario_sha256": "<SHA-256 of the scenario's canonical JSON>",
     "seed": 6, "replication": 0, "code": "0.1.0+<source hash>",
     "result": {"replication": 0,
                "metrics": {"reports_received": 507.0, ..., "first_period_backlog_grows": NaN},
                "timeseries": {"arrivals": {"dtype": "float64", "values": [250.0, 257.0]}, ...},
                "wait_histogram": {"dtype": "int64", "values": [12, 0, ...]},
                "hosts": [{"country": "A", "route": "partner_hotline", "notices": 307, ...}],
                "routes": [{"route": "partner_hotline", "notices": 307, ...}],
                "removal_histograms": {"partner_hotline": {"dtype": "int64", "values": [...]}}}}

The scenario's canonical JSON is `json.dumps(scenario.to_dict())`, in the order of its fields and of
the file's tables (not sorted: the order of the teams and of the sources changes a run). Floats are
written with `repr` (exact) and NaN as the token `NaN`; arrays as their dtype and values, so a
cached replication comes back bit for bit and a resumed sweep writes the same tables, byte for
byte, as an uninterrupted one.

Reading never unpickles or evaluates anything: a file is parsed as JSON (at most
`MAX_FILE_BYTES`, regular files only, no duplicate keys, no `Infinity`) and checked strictly: the
format and version, the key against the file name, the scenario hash, seed, replication and code
version against the replication asked for, every type (an int is not a float, a bool is not an
int), the metric names and their order, the series and histogram lengths and dtypes, the host and
route rows against the scenario's hosts, counts non-negative, floats finite or NaN. A file that
fails any of that is ignored (`ReplicationCache.get` returns None, so the replication is run again
and the file overwritten) and its name is recorded in `ReplicationCache.ignored`: whatever its
bytes, it is never fatal. Files of the earlier pickle format (`<key>.pickle`) are never opened.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictInt, StrictStr

from sim import __version__
from sim.common.files import atomic_write_text
from sim.metrics import HOST_COLUMNS, TIMESERIES, ReplicationResult, metric_names
from sim.scenario.roster import HOURS_PER_DAY, TIME_TOLERANCE_HOURS
from sim.scenario.schema import Scenario
from sim.scenario.takedown import ROUTES
from sim.stats.histogram import N_BINS

FORMAT = "hotline-sim-replication"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is ignored without being read
INT64_MAX = 2**63 - 1
# the daily series of `Recorder.result`, in its order (then two per source: `series_names`)
SERIES = (*TIMESERIES, "sla_due", "sla_met", "found", "waited_hours", "started")


def series_names(scenario: Scenario) -> tuple[str, ...]:
    """The daily series of a replication of `scenario`, in `Recorder.result`'s order."""
    per_source = [
        f"sla_{kind}_source_{k}" for k in range(len(scenario.intake.sources)) for kind in ("due", "met")
    ]
    return (*SERIES, *per_source)


# the host and route columns that are counts (ints); the other HOST_COLUMNS are floats
COUNT_COLUMNS = ("notices", "removed", "rechecks", "escalations")
_HEX64 = re.compile(r"[0-9a-f]{64}")


PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def source_files() -> list[Path]:
    """Every source file of the package, in every layer's folder, in a fixed order."""
    return sorted(PACKAGE_ROOT.rglob("*.py"), key=lambda path: path.relative_to(PACKAGE_ROOT).as_posix())


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and a SHA-256 of every source file of the package (a cached
    replication is reused only by the code that made it)."""
    digest = hashlib.sha256(__version__.encode())
    for path in source_files():
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def scenario_sha256(scenario: Scenario) -> str:
    """The SHA-256 (hex) of the scenario's canonical JSON, `json.dumps(to_dict())` (in order)."""
    return hashlib.sha256(json.dumps(scenario.to_dict()).encode()).hexdigest()


class CacheFileError(ValueError):
    """A cache file that is not a valid entry for the replication asked for (it is ignored)."""


# --- the file's shape: strict types, no extra keys ------------------------------------------------


def _float(value: Any) -> float:
    """A JSON float (not an int, not a bool), finite or NaN."""
    if type(value) is not float or math.isinf(value):
        raise ValueError("expected a finite float or NaN")
    return value


Float = Annotated[float, PlainValidator(_float)]
Count = Annotated[StrictInt, Field(ge=0, le=INT64_MAX)]
Name = Annotated[StrictStr, Field(max_length=200)]
Hex64 = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _IntArray(_Strict):
    """An int64 array of counts."""

    dtype: StrictStr
    values: list[Count]


class _FloatArray(_Strict):
    """A float64 array."""

    dtype: StrictStr
    values: list[Float]


class _Result(_Strict):
    """`ReplicationResult` as JSON."""

    replication: StrictInt
    metrics: dict[Name, Float]
    timeseries: dict[Name, _FloatArray]
    wait_histogram: _IntArray
    hosts: list[dict[Name, StrictStr | StrictInt | Float]]
    routes: list[dict[Name, StrictStr | StrictInt | Float]]
    removal_histograms: dict[Name, _IntArray]


class _Entry(_Strict):
    """One cache file."""

    format: StrictStr
    version: StrictInt
    key: Hex64
    scenario_sha256: Hex64
    seed: StrictInt
    replication: StrictInt
    code: Name
    result: _Result


# --- writing ---------------------------------------------------------------------------------------


def _array(values: np.ndarray) -> dict[str, Any]:
    """An array as its dtype name and its values (Python ints or floats)."""
    array = np.asarray(values)
    return {"dtype": array.dtype.name, "values": array.tolist()}


def _plain(value: Any) -> Any:
    """A row value as JSON-able Python (NumPy scalars become int or float)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def encode_entry(key: str, scenario: Scenario, seed: int, replication: int, result: ReplicationResult) -> str:
    """The cache file's text for `result`, replication `replication` of `scenario` with `seed`."""
    entry = {
        "format": FORMAT,
        "version": VERSION,
        "key": key,
        "scenario_sha256": scenario_sha256(scenario),
        "seed": seed,
        "replication": replication,
        "code": code_version(),
        "result": {
            "replication": result.replication,
            "metrics": {name: float(value) for name, value in result.metrics.items()},
            "timeseries": {name: _array(series) for name, series in result.timeseries.items()},
            "wait_histogram": _array(result.wait_histogram),
            "hosts": [{k: _plain(v) for k, v in row.items()} for row in result.hosts],
            "routes": [{k: _plain(v) for k, v in row.items()} for row in result.routes],
            "removal_histograms": {name: _array(h) for name, h in result.removal_histograms.items()},
        },
    }
    return json.dumps(entry, allow_nan=True, separators=(",", ":")) + "\n"


# --- reading ---------------------------------------------------------------------------------------


def _no_infinity(token: str) -> float:
    """`parse_constant` of json.loads: NaN is a value, Infinity and -Infinity are refused."""
    if token == "NaN":
        return math.nan
    raise CacheFileError(f"{token} is not allowed")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`object_pairs_hook` of json.loads: an object with a key twice is refused."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise CacheFileError("a JSON object has a key twice")
    return out


def _expected_days(scenario: Scenario) -> int:
    """The length of a replication's daily series (as `sim.model.recorder.Recorder` counts days)."""
    return max(1, math.ceil(scenario.horizon_hours / HOURS_PER_DAY - TIME_TOLERANCE_HOURS))


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise CacheFileError(reason)


def _int_array(array: _IntArray, length: int, what: str) -> np.ndarray:
    _require(array.dtype == "int64", f"{what}: dtype {array.dtype!r}, expected 'int64'")
    _require(len(array.values) == length, f"{what}: {len(array.values)} values, expected {length}")
    return np.array(array.values, dtype=np.int64)


def _float_array(array: _FloatArray, length: int, what: str) -> np.ndarray:
    _require(array.dtype == "float64", f"{what}: dtype {array.dtype!r}, expected 'float64'")
    _require(len(array.values) == length, f"{what}: {len(array.values)} values, expected {length}")
    return np.array(array.values, dtype=np.float64)


def _rows(
    rows: list[dict[str, Any]], names: list[tuple[str, ...]], labels: tuple[str, ...], what: str
) -> None:
    """Check takedown rows: one per expected name tuple, the label columns then HOST_COLUMNS, in
    order; labels are those names, counts are ints >= 0, the rest floats."""
    _require(len(rows) == len(names), f"{what}: {len(rows)} rows, expected {len(names)}")
    columns = [*labels, *HOST_COLUMNS]
    for index, (row, expected) in enumerate(zip(rows, names, strict=True)):
        _require(list(row) == columns, f"{what}[{index}]: unexpected columns")
        _require(tuple(row[label] for label in labels) == expected, f"{what}[{index}]: not {expected}")
        for column in HOST_COLUMNS:
            value, where = row[column], f"{what}[{index}].{column}"
            if column in COUNT_COLUMNS:
                _require(type(value) is int and 0 <= value <= INT64_MAX, f"{where}: not a count")
            else:
                _require(type(value) is float, f"{where}: not a float")


def decode_entry(data: bytes, key: str, scenario: Scenario, seed: int, replication: int) -> ReplicationResult:
    """The replication stored in a cache file's bytes, if they are exactly an entry for `key`, i.e.
    replication `replication` of `scenario` with `seed` under this code version; else
    CacheFileError (or another ValueError, RecursionError, ...: the caller ignores any Exception)."""
    _require(len(data) <= MAX_FILE_BYTES, f"larger than {MAX_FILE_BYTES} bytes")
    document = json.loads(data.decode("utf-8"), parse_constant=_no_infinity, object_pairs_hook=_unique_keys)
    _require(isinstance(document, dict), "not a JSON object")
    _require(document.get("format") == FORMAT, f"format is not {FORMAT!r}")
    version = document.get("version")
    _require(type(version) is int and version == VERSION, f"version {version!r}, expected {VERSION}")
    entry = _Entry.model_validate(document)
    _require(entry.key == key, "its key is not the file's")
    _require(entry.code == code_version(), f"written by code {entry.code!r}, this is {code_version()!r}")
    _require(entry.scenario_sha256 == scenario_sha256(scenario), "for another scenario")
    _require(entry.seed == seed, f"seed {entry.seed}, expected {seed}")
    _require(entry.replication == replication, f"replication {entry.replication}, expected {replication}")
    body = entry.result
    _require(body.replication == replication, f"result of replication {body.replication}")
    _require(list(body.metrics) == metric_names(scenario), "not the scenario's metrics")
    _require(tuple(body.timeseries) == series_names(scenario), "not the daily series expected")
    days = _expected_days(scenario)
    hosts = [(h.country, h.route) for h in scenario.takedown.hosts]
    routes = [route for route in ROUTES if route in {h.route for h in scenario.takedown.hosts}]
    _rows(body.hosts, hosts, ("country", "route"), "hosts")
    _rows(body.routes, [(route,) for route in routes], ("route",), "routes")
    _require(list(body.removal_histograms) == routes, "not the removal histograms of the scenario's routes")
    return ReplicationResult(
        replication=body.replication,
        metrics=dict(body.metrics),
        timeseries={name: _float_array(a, days, f"timeseries.{name}") for name, a in body.timeseries.items()},
        wait_histogram=_int_array(body.wait_histogram, N_BINS, "wait_histogram"),
        hosts=[dict(row) for row in body.hosts],
        routes=[dict(row) for row in body.routes],
        removal_histograms={
            name: _int_array(h, N_BINS, f"removal_histograms.{name}")
            for name, h in body.removal_histograms.items()
        },
    )


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, CacheFileError if it has more than `limit` bytes or
    is not a regular file (a FIFO, a device, a folder: never read, never waited on); OSError
    (FileNotFoundError if it is missing) if it cannot be opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        _require(stat.S_ISREG(info.st_mode), "not a regular file")
        _require(info.st_size <= limit, f"{info.st_size} bytes, more than {limit}")
        handle = open(descriptor, "rb")  # closes the descriptor from now on
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        data = handle.read(limit + 1)
    _require(len(data) <= limit, f"more than {limit} bytes")
    return data


class ReplicationCache:
    """Finished replications on disk, by (scenario content, seed, replication, code version).

    `ignored` lists the names of the files `get` found but could not use (in `.resume/`), and
    `reasons` says why, by name; `unusable` says why the cache cannot be used at all (`.resume` is
    not a plain folder, or cannot be written), and then nothing is read from it or written to it:
    the sweep runs as without --resume. Nothing is printed here."""

    def __init__(self, out_dir: Path):
        self.folder = out_dir / ".resume"
        self.ignored: list[str] = []
        self.reasons: dict[str, str] = {}
        self.unusable = ""
        if self.folder.is_symlink() or (self.folder.exists() and not self.folder.is_dir()):
            self.unusable = f"{self.folder} is not a plain folder"

    @staticmethod
    def key(scenario: Scenario, seed: int, replication: int) -> str:
        """The cache key of one replication."""
        identity = {
            "scenario": scenario.to_dict(),
            "seed": seed,
            "replication": replication,
            "code": code_version(),
        }
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()  # in order (see above)

    def path(self, key: str) -> Path:
        """The file of `key` (a ValueError for anything but 64 lower-case hex digits)."""
        if not isinstance(key, str) or not _HEX64.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / f"{key}.json"

    def get(self, key: str, scenario: Scenario, seed: int, replication: int) -> ReplicationResult | None:
        """The cached replication `replication` of `scenario` with `seed` (whose key is `key`), or
        None: when there is no file, and when the file is unusable (then its name is added to
        `ignored`). Never raises for a file's contents."""
        path = self.path(key)
        if self.unusable:
            return None
        try:
            data = read_limited(path, MAX_FILE_BYTES)
            return decode_entry(data, key, scenario, seed, replication)
        except FileNotFoundError:
            return None
        except Exception as exc:  # hostile input: whatever goes wrong, the file is not used
            self._ignore(path.name, f"{type(exc).__name__}: {exc}")
            return None

    def _ignore(self, name: str, reason: str) -> None:
        if name not in self.reasons:
            self.ignored.append(name)
        self.reasons[name] = reason[:500]

    def put(
        self, key: str, scenario: Scenario, seed: int, replication: int, result: ReplicationResult
    ) -> None:
        """Store a finished replication (atomically: an interrupted write leaves nothing); a cache that
        cannot be written becomes `unusable`, never fatal."""
        if self.unusable:
            return
        try:
            atomic_write_text(self.path(key), encode_entry(key, scenario, seed, replication, result))
        except OSError as exc:
            self.unusable = f"cannot write {self.path(key)} ({exc.strerror or exc})"
