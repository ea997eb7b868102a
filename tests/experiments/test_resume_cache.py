"""sweep --resume's cache holds data, not code: planted, damaged or foreign files in `.resume/` are
never unpickled or evaluated, never fatal; they are ignored (and named in `ReplicationCache.ignored`),
their replications run again, and the tables are byte-identical to a sweep run without --resume."""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.experiments.resume import FORMAT, VERSION, ReplicationCache, decode_entry, encode_entry
from sim.experiments.sweep import SweepResults
from sim.metrics import ReplicationResult
from sim.scenario.schema import Scenario

BASE: dict[str, Any] = {
    "scenario": {"name": "cache-test", "horizon_days": 2.5, "warmup_days": 0.5, "seed": 11},
    "intake": {
        "sources": {
            "public": {"reports_per_day": 150.0, "actionable_share": 0.5, "priority": 2},
            "partner": {"reports_per_day": 40.0, "actionable_share": 0.8, "priority": 1},
        }
    },
    "analysts": {"count": 2, "schedule": "24/7"},
    "assessment": {"time_minutes": {"dist": "exponential", "mean": 10.0}},
    "takedown": {
        "hosts": [
            {
                "country": "A",
                "share": 0.6,
                "route": "partner_hotline",
                "removal_hours": {"dist": "exponential", "mean": 10.0},
            },
            {
                "country": "B",
                "share": 0.4,
                "route": "direct",
                "removal_hours": {"dist": "exponential", "mean": 2.0},
            },
        ]
    },
}
VARY = {"analysts.count": [2, 3]}
REPLICATIONS = 2
TOTAL = len(VARY["analysts.count"]) * REPLICATIONS
TABLES = ("sweep.csv", "sweep_differences.csv", "sweep.md")


def tiny() -> Scenario:
    return sim.load_scenario(copy.deepcopy(BASE))


def sweep(resume: Path | None = None) -> SweepResults:
    return sim.sweep(tiny(), VARY, replications=REPLICATIONS, resume=resume)


def requests(results: SweepResults) -> list[tuple[str, Scenario, int, int]]:
    """(key, scenario, seed, replication) of every replication of the sweep, in run order."""
    return [
        (ReplicationCache.key(arm.scenario, results.seed, r), arm.scenario, results.seed, r)
        for arm in results.arms
        for r in range(REPLICATIONS)
    ]


@pytest.fixture(scope="module")
def straight(tmp_path_factory: pytest.TempPathFactory) -> tuple[SweepResults, dict[str, bytes]]:
    """The sweep run without --resume, and its tables."""
    out = tmp_path_factory.mktemp("straight")
    results = sweep()
    sim.write(results, out, plots=False)
    return results, {name: (out / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def valid_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder whose `.resume/` holds every replication of the sweep."""
    out = tmp_path_factory.mktemp("valid")
    sweep(out)
    assert len(list((out / ".resume").iterdir())) == TOTAL
    return out


@pytest.fixture
def caches(monkeypatch: pytest.MonkeyPatch) -> list[ReplicationCache]:
    """Every ReplicationCache `sim.sweep` makes from now on."""
    made: list[ReplicationCache] = []

    class Recording(ReplicationCache):
        def __init__(self, out_dir: Path):
            super().__init__(out_dir)
            made.append(self)

    monkeypatch.setattr(sim.experiments.resume, "ReplicationCache", Recording)
    return made


def resumed(folder: Path, caches: list[ReplicationCache]) -> tuple[SweepResults, ReplicationCache]:
    """Run the sweep with resume=folder, write its tables there; the results and the cache used."""
    before = len(caches)
    results = sweep(folder)
    sim.write(results, folder, plots=False)
    (cache,) = caches[before:]
    return results, cache


def assert_same_tables(folder: Path, tables: dict[str, bytes]) -> None:
    for name, expected in tables.items():
        assert (folder / name).read_bytes() == expected, name


def copy_cache(valid_cache: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(valid_cache / ".resume", out / ".resume")
    return out


class Touch:
    """A pickle payload: unpickling it creates the file at `path` (as any code could run)."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (Path(self.path),))


# --- planted pickles -------------------------------------------------------------------------------


def test_planted_pickles_are_never_unpickled(
    straight: tuple[SweepResults, dict[str, bytes]], caches: list[ReplicationCache], tmp_path: Path
) -> None:
    """A `.pickle` (the old format) and a `.json` holding a pickle, each of which would create a
    marker file if unpickled: the sweep finishes, no marker, the .json is ignored and rewritten,
    the tables are those of a sweep without --resume."""
    plan, tables = straight
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(Touch(proof)))  # the payload is live: unpickling runs it
    assert proof.exists()
    (first, *_, last) = requests(plan)
    out = tmp_path / "out"
    folder = out / ".resume"
    folder.mkdir(parents=True)
    old_marker, json_marker = tmp_path / "old-pickle-ran", tmp_path / "json-pickle-ran"
    planted_pickle = pickle.dumps(Touch(old_marker))
    (folder / f"{first[0]}.pickle").write_bytes(planted_pickle)
    (folder / f"{last[0]}.json").write_bytes(pickle.dumps(Touch(json_marker)))

    results, cache = resumed(out, caches)

    assert not old_marker.exists() and not json_marker.exists()
    assert cache.ignored == [f"{last[0]}.json"]
    assert "UnicodeDecodeError" in cache.reasons[f"{last[0]}.json"]
    assert results.reused == 0
    assert_same_tables(out, tables)
    assert (folder / f"{first[0]}.pickle").read_bytes() == planted_pickle  # left alone
    rewritten = json.loads((folder / f"{last[0]}.json").read_text(encoding="utf-8"))
    assert rewritten["format"] == FORMAT and rewritten["key"] == last[0]
    again, cache = resumed(out, caches)  # every .json is now a valid entry
    assert again.reused == TOTAL and cache.ignored == []
    assert not old_marker.exists() and not json_marker.exists()


# --- damaged and foreign files ---------------------------------------------------------------------


def edit(change: Callable[[dict[str, Any]], object]) -> Callable[[bytes, bytes], bytes]:
    """A damage done to the parsed document (written back as JSON, NaN and Infinity as tokens)."""

    def damage(data: bytes, other: bytes) -> bytes:
        document = json.loads(data)
        change(document)
        return json.dumps(document, allow_nan=True).encode()

    return damage


def raw(old: bytes, new: bytes) -> Callable[[bytes, bytes], bytes]:
    """A damage done to the bytes: the first `old` replaced with `new`."""

    def damage(data: bytes, other: bytes) -> bytes:
        assert old in data
        return data.replace(old, new, 1)

    return damage


def first_metric(document: dict[str, Any]) -> str:
    return next(iter(document["result"]["metrics"]))


def set_first_metric(value: object) -> Callable[[dict[str, Any]], object]:
    return lambda d: d["result"]["metrics"].__setitem__(first_metric(d), value)


def rename_first_metric(d: dict[str, Any]) -> None:
    metrics = d["result"]["metrics"]
    d["result"]["metrics"] = {("renamed" if i == 0 else k): v for i, (k, v) in enumerate(metrics.items())}


DAMAGES: dict[str, tuple[Callable[[bytes, bytes], bytes], str]] = {
    "truncated": (lambda data, other: data[: len(data) // 2], "JSONDecodeError"),
    "empty": (lambda data, other: b"", "JSONDecodeError"),
    "garbage": (lambda data, other: bytes(range(256)) * 8, "UnicodeDecodeError"),
    "nul-bytes": (lambda data, other: b"\0" * 1000, "JSONDecodeError"),
    "json-list": (lambda data, other: b"[1, 2, 3]", "not a JSON object"),
    "json-string": (lambda data, other: b'"hotline-sim-replication"', "not a JSON object"),
    "deeply-nested": (lambda data, other: b'{"result": ' + b"[" * 200_000, "RecursionError"),
    "huge-integer": (raw(b'"seed": ', b'"seed": ' + b"9" * 5000 + b', "x": '), "ValueError"),
    "huge-float": (raw(b'"seed": ', b'"seed": 1e999, "x": '), "ValidationError"),
    "infinity-metric": (edit(set_first_metric(math.inf)), "Infinity is not allowed"),
    "overflowing-metric": (
        raw(b'"metrics": {"reports_received": ', b'"metrics": {"reports_received": 1e400, "x": '),
        "ValidationError",
    ),
    "int-metric": (edit(set_first_metric(5)), "ValidationError"),
    "string-metric": (edit(set_first_metric("5.0")), "ValidationError"),
    "duplicate-key": (raw(b'{"format": ', b'{"format": "x", "format": '), "a key twice"),
    "wrong-format": (edit(lambda d: d.update(format="hotline-sim-replication-v0")), "format is not"),
    "wrong-version": (edit(lambda d: d.update(version=VERSION + 1)), "version 2, expected 1"),
    "version-as-bool": (edit(lambda d: d.update(version=True)), "version True"),
    "version-as-float": (edit(lambda d: d.update(version=1.0)), "version 1.0"),
    "another-key's-file": (lambda data, other: other, "its key is not the file's"),
    "wrong-key": (edit(lambda d: d.update(key="0" * 64)), "its key is not the file's"),
    "malformed-key": (edit(lambda d: d.update(key="../../etc/passwd")), "ValidationError"),
    "other-scenario": (edit(lambda d: d.update(scenario_sha256="0" * 64)), "for another scenario"),
    "other-seed": (edit(lambda d: d.update(seed=d["seed"] + 1)), "seed"),
    "other-replication": (edit(lambda d: d.update(replication=d["replication"] + 1)), "replication"),
    "result-of-another-replication": (
        edit(lambda d: d["result"].update(replication=d["replication"] + 1)),
        "result of replication",
    ),
    "replication-as-bool": (
        edit(lambda d: d["result"].update(replication=bool(d["replication"]))),
        "ValidationError",
    ),
    "other-code": (edit(lambda d: d.update(code="0.0.0+0000000000000000")), "written by code"),
    "extra-key": (edit(lambda d: d["result"].update(extra=1)), "ValidationError"),
    "missing-key": (edit(lambda d: d["result"].pop("routes")), "ValidationError"),
    "renamed-metric": (edit(rename_first_metric), "not the scenario's metrics"),
    "missing-metric": (edit(lambda d: d["result"]["metrics"].popitem()), "not the scenario's metrics"),
    "wrong-dtype-histogram": (
        edit(lambda d: d["result"]["wait_histogram"].update(dtype="float64")),
        "dtype 'float64', expected 'int64'",
    ),
    "object-dtype-series": (
        edit(lambda d: d["result"]["timeseries"]["arrivals"].update(dtype="object")),
        "dtype 'object', expected 'float64'",
    ),
    "nan-in-count": (
        edit(lambda d: d["result"]["wait_histogram"]["values"].__setitem__(0, math.nan)),
        "ValidationError",
    ),
    "fraction-in-count": (
        edit(lambda d: d["result"]["removal_histograms"]["direct"]["values"].__setitem__(3, 0.5)),
        "ValidationError",
    ),
    "negative-count": (
        edit(lambda d: d["result"]["wait_histogram"]["values"].__setitem__(0, -1)),
        "ValidationError",
    ),
    "int64-overflow": (
        edit(lambda d: d["result"]["wait_histogram"]["values"].__setitem__(0, 2**63)),
        "ValidationError",
    ),
    "series-too-short": (
        edit(lambda d: d["result"]["timeseries"]["backlog"]["values"].pop()),
        "timeseries.backlog: 2 values, expected 3",
    ),
    "series-too-long": (
        edit(lambda d: d["result"]["timeseries"]["arrivals"]["values"].append(1.0)),
        "timeseries.arrivals: 4 values",
    ),
    "histogram-too-short": (
        edit(lambda d: d["result"]["removal_histograms"]["direct"]["values"].pop()),
        "removal_histograms.direct",
    ),
    "missing-series": (edit(lambda d: d["result"]["timeseries"].pop("sla_met")), "daily series"),
    "host-of-another-country": (edit(lambda d: d["result"]["hosts"][0].update(country="Z")), "hosts[0]: not"),
    "nan-in-host-count": (edit(lambda d: d["result"]["hosts"][1].update(notices=math.nan)), "not a count"),
    "missing-route-row": (edit(lambda d: d["result"]["routes"].pop()), "routes: 1 rows, expected 2"),
    "extra-removal-histogram": (
        edit(
            lambda d: d["result"]["removal_histograms"].update(
                law_enforcement={"dtype": "int64", "values": []}
            )
        ),
        "not the removal histograms",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_a_damaged_file_is_ignored_and_recomputed(
    damage: str,
    straight: tuple[SweepResults, dict[str, bytes]],
    valid_cache: Path,
    caches: list[ReplicationCache],
    tmp_path: Path,
) -> None:
    """One file of a complete cache damaged: that replication is run again (the others reused),
    the file is named in `ignored` for the expected reason and rewritten, the tables unchanged."""
    plan, tables = straight
    out = copy_cache(valid_cache, tmp_path)
    keys = [request[0] for request in requests(plan)]
    victim = out / ".resume" / f"{keys[1]}.json"
    other = (out / ".resume" / f"{keys[0]}.json").read_bytes()
    change, reason = DAMAGES[damage]
    # the cache is written compactly; the damages are written against the spaced form
    spaced = json.dumps(json.loads(victim.read_bytes()), allow_nan=True).encode()
    victim.write_bytes(change(spaced, other))

    results, cache = resumed(out, caches)

    assert cache.ignored == [victim.name]
    assert reason in cache.reasons[victim.name]
    assert results.reused == TOTAL - 1
    assert_same_tables(out, tables)
    assert victim.read_bytes() == (valid_cache / ".resume" / victim.name).read_bytes()  # rewritten


def test_the_spaced_form_of_a_valid_file_is_valid(valid_cache: Path, tmp_path: Path) -> None:
    """The damages are detected, not an artefact of rewriting: the spaced form itself is valid."""
    folder = copy_cache(valid_cache, tmp_path)
    cache = ReplicationCache(folder)
    for path in (folder / ".resume").iterdir():
        path.write_bytes(json.dumps(json.loads(path.read_bytes()), allow_nan=True).encode())
    plan = sweep()
    assert all(cache.get(*request) is not None for request in requests(plan))
    assert cache.ignored == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_folder_in_place_of_a_file_is_not_waited_on(
    straight: tuple[SweepResults, dict[str, bytes]], valid_cache: Path, tmp_path: Path
) -> None:
    """A FIFO would block a reader forever, a folder cannot be read: both are ignored at once."""
    plan, _ = straight
    out = copy_cache(valid_cache, tmp_path)
    (fifo_request, folder_request, *_) = requests(plan)
    fifo = out / ".resume" / f"{fifo_request[0]}.json"
    fifo.unlink()
    os.mkfifo(fifo)
    folder = out / ".resume" / f"{folder_request[0]}.json"
    folder.unlink()
    folder.mkdir()
    cache = ReplicationCache(out)
    assert cache.get(*fifo_request) is None
    assert cache.get(*folder_request) is None
    assert cache.ignored == [fifo.name, folder.name]
    assert "not a regular file" in cache.reasons[fifo.name]


def test_an_oversized_file_is_ignored_without_reading_it(
    straight: tuple[SweepResults, dict[str, bytes]],
    valid_cache: Path,
    caches: list[ReplicationCache],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan, tables = straight
    out = copy_cache(valid_cache, tmp_path)
    request = requests(plan)[2]
    huge = out / ".resume" / f"{request[0]}.json"
    with huge.open("r+b") as handle:  # sparse: no disk used
        handle.truncate(sim.experiments.resume.MAX_FILE_BYTES + 1)
    cache = ReplicationCache(out)
    assert cache.get(*request) is None
    assert "more than" in cache.reasons[huge.name]
    results, cache = resumed(out, caches)
    assert cache.ignored == [huge.name] and results.reused == TOTAL - 1
    assert_same_tables(out, tables)
    monkeypatch.setattr(sim.experiments.resume, "MAX_FILE_BYTES", 1000)  # every valid file is larger
    results, cache = resumed(out, caches)
    assert len(cache.ignored) == TOTAL and results.reused == 0
    assert_same_tables(out, tables)


def test_a_missing_file_is_not_ignored_but_absent(
    straight: tuple[SweepResults, dict[str, bytes]], tmp_path: Path
) -> None:
    plan, _ = straight
    cache = ReplicationCache(tmp_path)
    assert all(cache.get(*request) is None for request in requests(plan))
    assert cache.ignored == []
    with pytest.raises(ValueError, match="not a cache key"):
        cache.get("../escape", *requests(plan)[0][1:])


# --- a valid cache ---------------------------------------------------------------------------------


def test_a_valid_cache_is_reused_entirely(
    straight: tuple[SweepResults, dict[str, bytes]], caches: list[ReplicationCache], tmp_path: Path
) -> None:
    """A finished resumed sweep run again: every replication reused, identical tables; a cache
    with one file missing reuses the rest."""
    _, tables = straight
    out = tmp_path / "out"
    first, cache = resumed(out, caches)
    assert first.reused == 0 and cache.ignored == []
    assert_same_tables(out, tables)
    files = sorted((out / ".resume").iterdir())
    assert [path.suffix for path in files] == [".json"] * TOTAL  # no pickles, no temporary files
    document = json.loads(files[0].read_text(encoding="utf-8"))
    assert list(document) == [
        "format",
        "version",
        "key",
        "scenario_sha256",
        "seed",
        "replication",
        "code",
        "result",
    ]
    assert (document["format"], document["version"], document["key"]) == (FORMAT, VERSION, files[0].stem)

    again, cache = resumed(out, caches)
    assert again.reused == TOTAL and cache.ignored == []
    assert_same_tables(out, tables)

    files[0].unlink()
    partly, cache = resumed(out, caches)
    assert partly.reused == TOTAL - 1 and cache.ignored == []
    assert_same_tables(out, tables)


def test_cached_replications_come_back_exactly(
    straight: tuple[SweepResults, dict[str, bytes]], tmp_path: Path
) -> None:
    """Every value and dtype of a replication survives the file (NaN included)."""
    plan, _ = straight
    cache = ReplicationCache(tmp_path)
    for (key, scenario, seed, replication), result in zip(
        requests(plan), [r for arm in plan.results for r in arm], strict=True
    ):
        cache.put(key, scenario, seed, replication, result)
        back = cache.get(key, scenario, seed, replication)
        assert back is not None
        assert back.replication == result.replication
        assert [(k, repr(v)) for k, v in back.metrics.items()] == [
            (k, repr(v)) for k, v in result.metrics.items()
        ]
        for name in ("timeseries", "removal_histograms"):
            ours, theirs = getattr(back, name), getattr(result, name)
            assert list(ours) == list(theirs)
            for k in ours:
                assert ours[k].dtype == theirs[k].dtype and ours[k].tobytes() == theirs[k].tobytes()
        assert back.wait_histogram.dtype == result.wait_histogram.dtype
        assert back.wait_histogram.tobytes() == result.wait_histogram.tobytes()
        for rows, expected in ((back.hosts, result.hosts), (back.routes, result.routes)):
            assert [[(k, type(v), repr(v)) for k, v in row.items()] for row in rows] == [
                [(k, type(v), repr(v)) for k, v in row.items()] for row in expected
            ]
    assert any(math.isnan(v) for v in back.metrics.values())  # NaN is among what was checked
    assert cache.ignored == []


# --- whatever the bytes ----------------------------------------------------------------------------


class OneEntry:
    """A cache folder, the request (key, scenario, seed, replication) of one replication and the
    text of its valid file (with a short repr, for hypothesis' reports)."""

    def __init__(self, folder: Path, request: tuple[str, Scenario, int, int], text: str):
        self.folder, self.request, self.text = folder, request, text

    def __repr__(self) -> str:
        return f"OneEntry({self.request[0][:12]}...)"

    def get(self, data: bytes) -> ReplicationResult | None:
        """Write `data` as the replication's file and read it with a new cache; the file is in
        `ignored` exactly when nothing comes back."""
        cache = ReplicationCache(self.folder)
        path = cache.path(self.request[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        result = cache.get(*self.request)
        assert (result is None) == (cache.ignored == [path.name])
        return result


@pytest.fixture(scope="module")
def one_entry(tmp_path_factory: pytest.TempPathFactory) -> OneEntry:
    plan = sweep()
    request = requests(plan)[1]
    return OneEntry(tmp_path_factory.mktemp("fuzz"), request, encode_entry(*request, plan.results[0][1]))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)
FUZZ = settings(
    derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(one_entry: OneEntry, data: bytes) -> None:
    assert one_entry.get(data) is None


@FUZZ
@given(value=JSON_VALUES)
def test_arbitrary_json_never_raises(one_entry: OneEntry, value: Any) -> None:
    assert one_entry.get(json.dumps(value, allow_nan=True).encode()) is None


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (of keys and indices) into a JSON document, long arrays sampled."""
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index in sorted({0, 1, len(value) - 1} & set(range(len(value)))):
            out += _paths(value[index], (*prefix, index))
    return out


@FUZZ
@given(data=st.data())
def test_a_valid_file_with_any_part_replaced_never_raises(one_entry: OneEntry, data: st.DataObject) -> None:
    """Any part of a valid file replaced by any JSON value: None, or exactly what the file now says
    (a well-formed change of a number is data like any other: the cache is not signed)."""
    document = json.loads(one_entry.text)
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(JSON_VALUES)
    result = one_entry.get(json.dumps(document, allow_nan=True).encode())
    if result is not None:
        assert (
            encode_entry(*one_entry.request, result)
            == json.dumps(document, allow_nan=True, separators=(",", ":")) + "\n"
        )


@FUZZ
@given(values=st.lists(st.floats(allow_infinity=False), min_size=1, max_size=60))
def test_any_finite_or_nan_metric_round_trips_exactly(one_entry: OneEntry, values: list[float]) -> None:
    original = decode_entry(one_entry.text.encode(), *one_entry.request)
    metrics = dict(original.metrics)
    for name, value in zip(metrics, values, strict=False):
        metrics[name] = value
    back = one_entry.get(encode_entry(*one_entry.request, replace(original, metrics=metrics)).encode())
    assert back is not None
    assert [repr(v) for v in back.metrics.values()] == [repr(v) for v in metrics.values()]


def test_the_code_version_covers_every_source_file_of_every_layer() -> None:
    from sim.experiments import resume

    package = Path(sim.__file__).resolve().parent
    covered = {path.relative_to(package).as_posix() for path in resume.source_files()}
    assert covered == {path.relative_to(package).as_posix() for path in package.rglob("*.py")}
    assert {"model/hotline.py", "model/recorder.py", "scenario/schema.py", "metrics.py"} <= covered


def test_a_cache_written_by_other_code_is_not_reused(
    valid_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.experiments import resume

    out = tmp_path / "other-code"
    shutil.copytree(valid_cache, out)
    monkeypatch.setattr(resume, "code_version", lambda: "0.1.0+someone-elses")
    assert sweep(out).reused == 0
    monkeypatch.undo()
    assert sweep(copy_cache(valid_cache, tmp_path)).reused == TOTAL  # the same code reuses it all
