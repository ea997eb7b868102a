"""Core performance benchmark of hotline-sim: speed and peak memory, each case in its own process.

Run from the repository with the project's Python (Ciw for case (d): `pip install -e '.[benchmarks]'`):

    python benchmarks/bench_core.py              # prints the table, writes benchmarks/results.md
    python benchmarks/bench_core.py --repeat 1   # one run of the light cases (a)-(c), not 5
    python benchmarks/bench_core.py --profile    # cProfile of case (a), top 15 by tottime

Cases (all synthetic), all measured in the same run:
  (a) one replication of scenarios/year-2021.toml, in-process in a child Python;
  (b) the whole `hotline-sim run` process on the M/M/13 case (rho = 0.9, 5-minute assessments,
      2 replications of a year, about 2.5 million reports);
  (c) a lean SimPy M/M/13 written here (13 long-lived analysts on a deque, wake-up events,
      pre-drawn numbers), at the same number of arrivals as (b);
  (d) Ciw 3.x on the same M/M/13, at the same number of arrivals, then (b) once more right after
      it, for the ratio (b)/(d) (skipped when Ciw is absent);
  (e) peak RSS of one 2021 replication with a 1-year and a 4-year horizon;
  (f) replications per minute, 16 replications of the 2021 year, `--jobs 1` and `--jobs 2`
      (whole processes; their tables are compared byte for byte);
  (g) peak RSS of one replication at 10 times the 2021 arrivals (volumes and team x10);
  (h) the whole `hotline-sim staff` process on the 2021 year with a 72-hour target on the public
      service level, --jobs 2, with the count of team sizes simulated and the Erlang C estimate;
  (i) the whole `hotline-sim plan` process: the 2021 year growing 10 % a year for 3 years,
      quarterly, --jobs 2;
  (j) the whole `hotline-sim reproduce --jobs 2` process, into a copy of scenarios/ (about 15
      minutes; `--cases a,b,c,d,e,f,g,h,i` leaves it out).
Every run is a child process reaped with os.wait4, so its ru_maxrss is that case's own peak RSS.
With (a), (b) and (c) all asked for, they run in rounds, the three back to back, and the targets
(a)/(c) and (b)/(c) are the median of the rounds' ratios, printed with their range: a shared
machine's speed drifts by tens of % over minutes, and the best runs of each case taken apart may
come from different minutes. A wide range says the machine was noisy; then trust a longer run
(`--repeat 9`) over a short one.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import deque
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import tomli_w

REPO = Path(__file__).resolve().parent.parent
YEAR_2021 = REPO / "scenarios" / "year-2021.toml"
MMC = REPO / "scenarios" / "mmc-check.toml"
RESULTS_MD = Path(__file__).resolve().parent / "results.md"

# M/M/13 reference: rho = 0.9, mean assessment 5 min -> mu = 12 / h, lambda = 0.9 * 13 * 12 = 140.4 / h.
MMC_SERVERS = 13
MMC_ARRIVALS_PER_HOUR = 140.4
MMC_SERVICE_PER_HOUR = 12.0
MMC_HORIZON_DAYS = 370  # a measured year after 5 days of warm-up
MMC_WARMUP_DAYS = 5
MMC_REPLICATIONS = 2
LEAN_CHUNK = 65_536
LEAN_SEED = 13

ONE_YEAR_DAYS = 365 + 28
FOUR_YEAR_DAYS = 4 * 365 + 28
PARALLEL_REPLICATIONS = 16
SCALE = 10  # case (g): volumes and team x10

CASES = "abcdefghij"
# (h) and (i): the public service level within 72 hours; (i) 10 % growth a year for 3 years
STAFF_SLA_HOURS = 72
STAFF_TARGET = "sla_assessment_share_source_public>=0.95"
PLAN_GROWTH_PER_YEAR = 0.1
PLAN_HORIZON_DAYS = 3 * 365 + 28  # 3 years after the 2021 file's 28 days of warm-up

# targets of issues 7 and 19
RSS_RATIO_TARGET = 1.10  # 4-year peak RSS within 10 % of 1-year
YEAR_LEAN_RATIO_TARGET = 0.50  # (a) reports/s at least 0.5 of the lean reference (c)
LEAN_RATIO_TARGET = 0.60  # (b) reports/s at least 0.6 of the lean reference (c)
CIW_RATIO_TARGET = 3.0  # (b) reports/s at least 3 x Ciw (d)
BESIDE_D_RUN = 99  # the output folder number of the (b) run made right after (d)
PARALLEL_TARGET = 1.8  # (f) --jobs 2 at least 1.8 x --jobs 1
SCALE_RSS_TARGET_MIB = 1024.0  # (g) under 1 GiB
STAFF_SIZES_TARGET = 5  # (h) at most 5 team sizes when the Erlang C estimate is within 2 of the answer
PLAN_SECONDS_TARGET = 300.0  # (i) under 5 minutes
REPRODUCE_SECONDS_TARGET = 720.0  # (j) under 12 minutes


# --- children ------------------------------------------------------------------------------------
def child_replication(scenario_path: str) -> dict:
    """One replication in-process: arrivals (all, warm-up included) and the run's own wall time."""
    import simpy  # noqa: F401 - imported before the clock starts (run_replication imports it lazily)

    from sim.model.replication import run_replication
    from sim.scenario.schema import load_scenario

    scenario = load_scenario(scenario_path)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = run_replication(scenario, scenario.scenario.seed, 0)
    wall = time.perf_counter() - start
    return {
        "arrivals": int(round(float(sum(result.timeseries["arrivals"])))),
        "wall": wall,
        "rss_before_kib": rss_before,
    }


def lean_mmc(n_arrivals: int, servers: int, lam: float, mu: float, seed: int) -> tuple[int, float]:
    """A minimal SimPy M/M/c: `n_arrivals` Poisson arrivals, FIFO, `servers` long-lived analysts.

    Returns (customers served, mean wait in hours). All arrivals are served: the run ends when the
    arrival process is done and the queue is empty (every analyst then waits on its idle event).
    """
    import numpy as np
    import simpy

    arrival_rng, service_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))

    def exponentials(rng, mean: float):
        # pre-drawn in numpy chunks; next() on the chain is C-level
        return itertools.chain.from_iterable(
            (rng.standard_exponential(LEAN_CHUNK) * mean).tolist() for _ in itertools.count()
        )

    env = simpy.Environment()
    queue: deque[float] = deque()
    idle: list[simpy.Event] = []
    gaps = exponentials(arrival_rng, 1.0 / lam)
    services = exponentials(service_rng, 1.0 / mu)
    acc = [0, 0.0]  # served, sum of waits

    def source():
        timeout = env.timeout
        append = queue.append
        for gap in itertools.islice(gaps, n_arrivals):
            yield timeout(gap)
            append(env.now)
            if idle:
                idle.pop().succeed()

    def analyst():
        timeout = env.timeout
        popleft = queue.popleft
        while True:
            if queue:
                acc[0] += 1
                acc[1] += env.now - popleft()
                yield timeout(next(services))
            else:
                wake = env.event()
                idle.append(wake)
                yield wake

    env.process(source())
    for _ in range(servers):
        env.process(analyst())
    env.run()
    return acc[0], acc[1] / acc[0]


def child_lean(n_arrivals: int) -> dict:
    """Case (c) in-process."""
    import numpy  # noqa: F401 - both imported before the clock starts, as in (a)
    import simpy  # noqa: F401

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    served, mean_wait = lean_mmc(
        n_arrivals, MMC_SERVERS, MMC_ARRIVALS_PER_HOUR, MMC_SERVICE_PER_HOUR, LEAN_SEED
    )
    wall = time.perf_counter() - start
    return {"arrivals": served, "wall": wall, "rss_before_kib": rss_before, "mean_wait_hours": mean_wait}


def child_ciw(n_arrivals: int) -> dict:
    """Case (d) in-process: Ciw's M/M/13 over the time that brings `n_arrivals` arrivals on average."""
    import ciw

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    ciw.seed(LEAN_SEED)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=MMC_ARRIVALS_PER_HOUR)],
        service_distributions=[ciw.dists.Exponential(rate=MMC_SERVICE_PER_HOUR)],
        number_of_servers=[MMC_SERVERS],
    )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(n_arrivals / MMC_ARRIVALS_PER_HOUR)
    wall = time.perf_counter() - start
    records = simulation.get_all_records()
    waits = [r.waiting_time for r in records]
    return {
        "arrivals": len(records) + len(simulation.nodes[1].all_individuals),
        "wall": wall,
        "rss_before_kib": rss_before,
        "mean_wait_hours": sum(waits) / len(waits),
        "version": ciw.__version__,
    }


def child_main(case: str, arg: str, result_path: str) -> None:
    """Entry point of a child process: run one case and write its result as JSON."""
    if case == "replication":
        out = child_replication(arg)
    elif case == "lean":
        out = child_lean(int(arg))
    elif case == "ciw":
        out = child_ciw(int(arg))
    else:
        raise SystemExit(f"unknown child case {case!r}")
    Path(result_path).write_text(json.dumps(out))


# --- parent: spawning and measuring ---------------------------------------------------------------
def measure(argv: list[str], log_dir: Path, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Run `argv` as a child, reap it with os.wait4; return (process wall s, peak RSS MiB). An exit
    code outside `ok_codes` stops the benchmark."""
    log_path = log_dir / "child.log"
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok_codes:
        sys.stderr.write(log_path.read_text(errors="replace"))
        raise SystemExit(f"child failed with exit code {proc.returncode}: {' '.join(argv)}")
    return wall, usage.ru_maxrss / 1024.0  # Linux: ru_maxrss in KiB


def run_child(case: str, arg: str, work: Path) -> dict:
    """Run this script as a child for `case`; its JSON result plus process wall and peak RSS."""
    result_path = work / f"{case}.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", case, arg, str(result_path)]
    process_wall, rss_mib = measure(argv, work)
    out = json.loads(result_path.read_text())
    out.update(process_wall=process_wall, rss_mib=rss_mib)
    return out


def best_of(runs: list[dict]) -> dict:
    """The fastest run's figures, with the peak RSS the highest of all runs."""
    best = dict(min(runs, key=lambda r: r["wall"]))
    best["rss_mib"] = max(r["rss_mib"] for r in runs)
    best["runs"] = len(runs)
    return best


def scenario_copy(source: Path, target: Path, **meta: float) -> Path:
    """Write a copy of `source` with `[scenario]` keys replaced."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    data["scenario"].update(meta)
    target.write_text(tomli_w.dumps(data), encoding="utf-8")
    return target


def hotline_sim_argv() -> list[str]:
    """The console script next to sys.executable (or on PATH, or the module as a last resort)."""
    script = Path(sys.executable).parent / "hotline-sim"
    if script.exists():
        return [str(script)]
    found = shutil.which("hotline-sim")
    return [found] if found else [sys.executable, "-m", "sim.cli"]


def case_a(work: Path, repeat: int) -> dict:
    """(a) one replication of the 2021 year in-process."""
    return best_of([run_child("replication", str(YEAR_2021), work) for _ in range(repeat)])


def case_b(work: Path, repeat: int, first: int = 0) -> dict:
    """(b) the whole `hotline-sim run` process on the M/M/13 case, two replications of a year
    (`first`: the number of the first run, for its output folder)."""
    scenario = scenario_copy(
        MMC, work / "mmc-bench.toml", horizon_days=MMC_HORIZON_DAYS, warmup_days=MMC_WARMUP_DAYS
    )
    runs = []
    for k in range(first, first + repeat):
        out_dir = work / f"mmc-out-{k}"
        argv = [
            *hotline_sim_argv(),
            "run",
            str(scenario),
            "--replications",
            str(MMC_REPLICATIONS),
            "--jobs",
            "1",
            "--out",
            str(out_dir),
        ]
        wall, rss = measure(argv, work)
        with open(out_dir / "timeseries.csv", newline="") as handle:
            mean_arrivals = sum(float(row["arrivals"]) for row in csv.DictReader(handle))
        with open(out_dir / "summary.csv", newline="") as handle:
            summary = {row["metric"]: row for row in csv.DictReader(handle)}
        runs.append(
            {
                "arrivals": int(round(mean_arrivals * MMC_REPLICATIONS)),
                "wall": wall,
                "process_wall": wall,
                "rss_mib": rss,
                "mean_wait_hours": float(summary["wait_hours_mean"]["mean"]),
            }
        )
    return best_of(runs)


def rounds_abc(work: Path, repeat: int) -> dict[str, object]:
    """(a), (b) and (c) in `repeat` rounds, each round the three back to back, so that each round's
    ratios (a)/(c) and (b)/(c) are measured at the same speed of the machine: the targets are the
    median of the rounds' ratios (a shared machine's speed drifts by tens of % over minutes, and
    the best runs of each case may come from different minutes). The cases' own rows are the best
    of their runs, as before."""
    runs: dict[str, list[dict]] = {"a": [], "b": [], "c": []}
    pairs = []
    for k in range(repeat):
        runs["a"].append(run_child("replication", str(YEAR_2021), work))
        runs["b"].append(case_b(work, 1, first=k))
        runs["c"].append(run_child("lean", str(runs["b"][-1]["arrivals"]), work))
        rate = {case: r[-1]["arrivals"] / r[-1]["wall"] for case, r in runs.items()}
        pairs.append((rate["a"] / rate["c"], rate["b"] / rate["c"]))
    return {**{case: best_of(r) for case, r in runs.items()}, "pairs": pairs}


def case_c(work: Path, repeat: int, n_arrivals: int) -> dict:
    """(c) the lean SimPy M/M/13 at `n_arrivals`."""
    return best_of([run_child("lean", str(n_arrivals), work) for _ in range(repeat)])


def case_d(work: Path, n_arrivals: int) -> dict | None:
    """(d) Ciw's M/M/13 at `n_arrivals` (one run: it is the slow one), with a run of (b) right
    after it (`b_beside`), so that (b)/(d) is measured at the same speed of the machine rather than
    against (b)'s best run minutes earlier; None without Ciw."""
    try:
        metadata.version("ciw")
    except metadata.PackageNotFoundError:
        return None
    ciw_run = best_of([run_child("ciw", str(n_arrivals), work)])
    return {**ciw_run, "b_beside": case_b(work, 1, first=BESIDE_D_RUN)}


def case_e(work: Path) -> tuple[dict, dict]:
    """(e) one 2021 replication with a 1-year and a 4-year horizon."""
    one = scenario_copy(YEAR_2021, work / "year-1y.toml", horizon_days=ONE_YEAR_DAYS)
    four = scenario_copy(YEAR_2021, work / "year-4y.toml", horizon_days=FOUR_YEAR_DAYS)
    return (
        best_of([run_child("replication", str(one), work)]),
        best_of([run_child("replication", str(four), work)]),
    )


def case_f(work: Path) -> tuple[dict, dict, bool]:
    """(f) 16 replications of the 2021 year as whole processes, --jobs 1 and --jobs 2; whether
    their tables are byte-identical."""
    runs = []
    for jobs in (1, 2):
        out_dir = work / f"parallel-{jobs}"
        argv = [
            *hotline_sim_argv(),
            "run",
            str(YEAR_2021),
            "--replications",
            str(PARALLEL_REPLICATIONS),
            "--jobs",
            str(jobs),
            "--no-plots",
            "--quiet",
            "--out",
            str(out_dir),
        ]
        wall, rss = measure(argv, work)
        runs.append({"jobs": jobs, "wall": wall, "rss_mib": rss, "out": out_dir})
    tables = ("summary.csv", "replications.csv", "timeseries.csv", "takedown_by_country.csv")
    same = all((runs[0]["out"] / t).read_bytes() == (runs[1]["out"] / t).read_bytes() for t in tables)
    return runs[0], runs[1], same


def case_g(work: Path) -> dict:
    """(g) one replication at 10 times the 2021 arrivals: Poisson volumes x10 and a team x10 (whose
    searching brings 10 times the finds), so the queue stays as it is and memory shows the scale."""
    data = tomllib.loads(YEAR_2021.read_text(encoding="utf-8"))
    data["intake"]["volume_multiplier"] = float(SCALE)
    data["analysts"]["count"] *= SCALE
    path = work / "year-x10.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return best_of([run_child("replication", str(path), work)])


def case_h(work: Path) -> dict:
    """(h) `hotline-sim staff` on the 2021 year, a 72-hour target on the public service level: the
    whole process, and from its manifest the answer, the Erlang C estimate and the sizes simulated."""
    out_dir = work / "staff-2021"
    argv = [
        *hotline_sim_argv(), "staff", str(YEAR_2021), "--set", f"sla.assessment_hours={STAFF_SLA_HOURS}",
        "--target", STAFF_TARGET, "--jobs", "2", "--no-plots", "--quiet", "--out", str(out_dir),
    ]  # fmt: skip
    wall, rss = measure(argv, work, ok_codes=(0, 1))  # 1: no team size meets the target
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    return {
        "wall": wall, "rss_mib": rss, "answer": manifest["answer"],
        "estimate": manifest["erlang_estimate"], "sizes": manifest["values_simulated"],
    }  # fmt: skip


def case_i(work: Path) -> dict:
    """(i) `hotline-sim plan`: the 2021 year growing 10 % a year for 3 years, quarterly."""
    out_dir = work / "plan-2021"
    argv = [
        *hotline_sim_argv(), "plan", str(YEAR_2021),
        "--set", f"intake.growth_per_year={PLAN_GROWTH_PER_YEAR}",
        "--set", f"scenario.horizon_days={PLAN_HORIZON_DAYS}",
        "--set", f"sla.assessment_hours={STAFF_SLA_HOURS}", "--target", STAFF_TARGET,
        "--period", "quarter", "--jobs", "2", "--no-plots", "--quiet", "--out", str(out_dir),
    ]  # fmt: skip
    wall, rss = measure(argv, work, ok_codes=(0, 1))  # 1: some period cannot meet the target
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    with open(out_dir / "plan.csv", newline="", encoding="utf-8") as handle:
        periods = sum(1 for _ in csv.DictReader(handle))
    sizes = manifest["values_simulated"]
    return {
        "wall": wall,
        "rss_mib": rss,
        "periods": periods,
        "sizes": sum(sizes),
        "checks": manifest["end_to_end_runs"],
    }


def case_j(work: Path) -> dict:
    """(j) `hotline-sim reproduce --jobs 2`, whole process, in a copy of scenarios/ (results/ is
    written there, never in the repository)."""
    root = work / "reproduce"
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    argv = [*hotline_sim_argv(), "reproduce", "--root", str(root), "--jobs", "2"]
    wall, rss = measure(argv, work)
    jobs = sum(1 for _ in (root / "results").rglob("manifest.json"))  # one per job, nested ones too
    return {"wall": wall, "rss_mib": rss, "jobs": jobs}


# --- report ----------------------------------------------------------------------------------------
def model_build() -> str:
    """Which model the cases run: compiled (at install, when the machine can) or pure Python;
    the children inherit `HOTLINE_SIM_PURE`, so `HOTLINE_SIM_PURE=1` measures the pure model."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sim.model import BUILD
    return BUILD


def machine_lines() -> list[str]:
    """Machine and software description for the results header."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- simpy {version('simpy')}, numpy {version('numpy')}, hotline-sim {version('hotline-sim')}",
        f"- the model: {model_build()}",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]


def build_report(results: dict[str, object], repeat: int) -> tuple[list, list[str]]:
    """Table rows and the target lines of the cases run (`results`: by case letter; (d) None when
    Ciw is absent; (e) and (f) pairs)."""
    from sim.stats.erlang import mean_wait

    erlang = mean_wait(MMC_SERVERS, MMC_ARRIVALS_PER_HOUR, MMC_SERVICE_PER_HOUR)
    a, b, c, d, g = (results.get(k) for k in "abcdg")

    def rate(r: dict) -> float:
        return r["arrivals"] / r["wall"]

    def row(label: str, r: dict, note: str) -> list[str]:
        return [
            label,
            f"{r['arrivals']:,}",
            f"{r['wall']:.2f}",
            f"{r['process_wall']:.2f}",
            f"{rate(r):,.0f}",
            f"{r['rss_mib']:.1f}",
            note,
        ]

    def whole(label: str, r: dict, note: str) -> list[str]:
        return [label, "-", f"{r['wall']:.2f}", f"{r['wall']:.2f}", "-", f"{r['rss_mib']:.1f}", note]

    def before(r: dict) -> str:
        return f"RSS before run {r['rss_before_kib'] / 1024:.1f} MiB"

    def against_erlang(r: dict) -> str:
        return (
            f"mean wait {r['mean_wait_hours']:.5f} h vs Erlang C {erlang:.5f} h "
            f"({(r['mean_wait_hours'] / erlang - 1) * 100:+.1f} %)"
        )

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rows = [["case", "arrivals", "wall (s)", "process (s)", "reports/s", "peak RSS (MiB)", "notes"]]
    targets = []
    if a is not None:
        rows.append(row("(a) year-2021, 1 replication", a, before(a)))
    if b is not None:
        rows.append(
            row(
                f"(b) hotline-sim run M/M/13, {MMC_HORIZON_DAYS} d x {MMC_REPLICATIONS}",
                b,
                f"whole process incl. start-up, files, plots; {against_erlang(b)}",
            )
        )
    if c is not None:
        rows.append(row("(c) lean SimPy M/M/13", c, f"{against_erlang(c)}; {before(c)}"))
    if "d" in results:
        if d is not None:
            rows.append(row(f"(d) Ciw {d['version']} M/M/13", d, f"{against_erlang(d)}; {before(d)}"))
        else:
            rows.append(
                [
                    "(d) Ciw M/M/13",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "Ciw not installed: pip install -e '.[benchmarks]'",
                ]
            )
    if "e" in results:
        e1, e4 = results["e"]
        rows += [
            row(f"(e) year-2021, {ONE_YEAR_DAYS} d horizon", e1, before(e1)),
            row(f"(e) year-2021, {FOUR_YEAR_DAYS} d horizon", e4, before(e4)),
        ]
    if "f" in results:
        one_job, two_jobs, same_tables = results["f"]
        for run in (one_job, two_jobs):
            per_minute = PARALLEL_REPLICATIONS / run["wall"] * 60
            rows.append(
                whole(
                    f"(f) year-2021 x {PARALLEL_REPLICATIONS}, --jobs {run['jobs']}",
                    run,
                    f"{per_minute:.1f} replications per minute (whole process, no plots)",
                )
            )
    if g is not None:
        rows.append(row(f"(g) year-2021 x{SCALE} arrivals, 1 replication", g, before(g)))
    h, i, j = (results.get(k) for k in "hij")
    if h is not None:
        estimate = "none" if h["estimate"] is None else h["estimate"]
        rows.append(
            whole(
                "(h) hotline-sim staff, year-2021, --jobs 2",
                h,
                f"{h['sizes']} team sizes simulated; answer {h['answer']}, Erlang C estimate {estimate}; "
                f"target {STAFF_TARGET} within {STAFF_SLA_HOURS} h (whole process, no plots)",
            )
        )
    if i is not None:
        rows.append(
            whole(
                "(i) hotline-sim plan, year-2021 +10 %/year, 3 years, --jobs 2",
                i,
                f"{i['periods']} quarters; {i['sizes']} team sizes simulated to size them, then "
                f"{i['checks']} end-to-end run(s) (whole process, no plots)",
            )
        )
    if j is not None:
        rows.append(
            whole("(j) hotline-sim reproduce --jobs 2", j, f"{j['jobs']} reference jobs (whole process)")
        )

    pairs = results.get("pairs")
    for index, (label, first, target) in enumerate(
        [("(a) / (c)", a, YEAR_LEAN_RATIO_TARGET), ("(b) / (c)", b, LEAN_RATIO_TARGET)]
    ):
        if first is None or c is None:
            continue
        if pairs:  # the median of the rounds' ratios, each round's cases back to back
            each = sorted(p[index] for p in pairs)
            ratio = float(statistics.median(each))
            how = f"median of {len(each)} rounds, {each[0]:.3f} to {each[-1]:.3f}"
        else:
            ratio, how = rate(first) / rate(c), "best runs"
        targets.append(
            f"reports/s {label}: {ratio:.3f} ({how}; target >= {target:.2f}): {verdict(ratio >= target)}"
        )
    if b is not None and d is not None:
        beside = d.get("b_beside")
        ratio = rate(beside if beside else b) / rate(d)
        how = "(b) run right after (d)" if beside else "best runs"
        targets.append(
            f"reports/s (b) / (d): {ratio:.2f} ({how}; target >= {CIW_RATIO_TARGET:.1f}): "
            f"{verdict(ratio >= CIW_RATIO_TARGET)}"
        )
    if "e" in results:
        ratio = e4["rss_mib"] / e1["rss_mib"]
        targets.append(
            f"peak RSS 4-year / 1-year: {e4['rss_mib']:.1f} / {e1['rss_mib']:.1f} MiB = {ratio:.3f} "
            f"(target <= {RSS_RATIO_TARGET:.2f}): {verdict(ratio <= RSS_RATIO_TARGET)}"
        )
    if "f" in results:
        speed_up = one_job["wall"] / two_jobs["wall"]
        targets.append(
            f"--jobs 2 / --jobs 1 on {PARALLEL_REPLICATIONS} replications: x{speed_up:.2f} "
            f"(target >= x{PARALLEL_TARGET:.1f}): {verdict(speed_up >= PARALLEL_TARGET)}; tables "
            f"{'byte-identical' if same_tables else 'DIFFERENT'}"
        )
    if g is not None:
        targets.append(
            f"x{SCALE} arrivals peak RSS: {g['rss_mib']:.1f} MiB (target < {SCALE_RSS_TARGET_MIB:.0f} MiB): "
            f"{verdict(g['rss_mib'] < SCALE_RSS_TARGET_MIB)}"
        )
    if h is not None:
        near = h["estimate"] is not None and h["answer"] is not None and abs(h["estimate"] - h["answer"]) <= 2
        if near:
            targets.append(
                f"(h) team sizes simulated: {h['sizes']} (target <= {STAFF_SIZES_TARGET} when the Erlang C "
                f"estimate is within 2 of the answer): {verdict(h['sizes'] <= STAFF_SIZES_TARGET)}"
            )
        else:
            targets.append(
                f"(h) team sizes simulated: {h['sizes']}; the target (<= {STAFF_SIZES_TARGET}) applies when "
                f"the Erlang C estimate ({h['estimate']}) is within 2 of the answer ({h['answer']}): "
                "not applicable"
            )
    if i is not None:
        targets.append(
            f"(i) plan: {i['wall']:.0f} s (target < {PLAN_SECONDS_TARGET:.0f} s): "
            f"{verdict(i['wall'] < PLAN_SECONDS_TARGET)}"
        )
    if j is not None:
        targets.append(
            f"(j) reproduce: {j['wall']:.0f} s (target < {REPRODUCE_SECONDS_TARGET:.0f} s): "
            f"{verdict(j['wall'] < REPRODUCE_SECONDS_TARGET)}"
        )
    targets += [
        "(b), (c), (d) mean waits vs Erlang C are a sanity check: at rho = 0.9 a few % either way is noise",
        f"runs per case: best of {repeat} for (a)-(c), one for the others; peak RSS the highest of the runs",
        "wall (s): the measured part (the replication or the model in-process; for (b), (f)-(j) the whole "
        "process); process (s): the child process from spawn to exit; reports/s = arrivals / wall",
    ]
    return rows, targets


def text_table(rows: list[list[str]]) -> str:
    """Fixed-width text table; numeric columns right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            r[i].ljust(widths[i]) if i in (0, len(r) - 1) else r[i].rjust(widths[i]) for i in range(len(r))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown(rows: list[list[str]], targets: list[str]) -> str:
    """benchmarks/results.md."""
    lines = [
        "# hotline-sim core benchmark",
        "",
        "Written by `python benchmarks/bench_core.py` (see benchmarks/README.md). Synthetic data only.",
        "",
        "## Machine",
        "",
        *machine_lines(),
        "",
        "## Results",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|---|" + "---:|" * (len(rows[0]) - 2) + "---|",
        *("| " + " | ".join(r) + " |" for r in rows[1:]),
        "",
        "## Targets",
        "",
        *(f"- {t}" for t in targets),
        "",
    ]
    return "\n".join(lines)


def profile_a(top: int = 15) -> None:
    """cProfile one replication of the 2021 year; print the top functions by tottime."""
    import cProfile
    import pstats

    from sim.model.replication import run_replication
    from sim.scenario.schema import load_scenario

    scenario = load_scenario(YEAR_2021)
    profiler = cProfile.Profile()
    profiler.enable()
    run_replication(scenario, scenario.scenario.seed, 0)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    """Run every case, print the table and write benchmarks/results.md."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds of cases (a)-(c) [5]")
    parser.add_argument("--profile", action="store_true", help="only profile case (a) with cProfile")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results.md")
    parser.add_argument(
        "--cases", default=CASES, help="the cases to run, e.g. a,b,c or h,i [all: a-j; (j) takes ~15 min]"
    )
    parser.add_argument("--child", nargs=3, metavar=("CASE", "ARG", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(*args.child)
        return
    if args.profile:
        profile_a()
        return
    repeat = max(1, args.repeat)
    cases = set(args.cases.replace(",", "").lower())
    if not cases or not cases <= set(CASES):
        parser.error(f"--cases: letters among {','.join(CASES)}, e.g. a,b,c")
    if "c" in cases:
        cases.add("b")  # (c) runs at (b)'s number of arrivals
    if "d" in cases:
        cases.add("b")
    started = time.perf_counter()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as tmp:
        work = Path(tmp)
        steps = [
            ("a", "(a) year-2021, one replication", lambda: case_a(work, repeat)),
            ("b", "(b) hotline-sim run, M/M/13", lambda: case_b(work, repeat)),
            ("c", "(c) lean SimPy M/M/13", lambda: case_c(work, repeat, results["b"]["arrivals"])),
            ("d", "(d) Ciw M/M/13", lambda: case_d(work, results["b"]["arrivals"])),
            ("e", "(e) year-2021, 1-year and 4-year horizons", lambda: case_e(work)),
            (
                "f",
                f"(f) year-2021 x {PARALLEL_REPLICATIONS} replications, --jobs 1 and 2",
                lambda: case_f(work),
            ),
            ("g", f"(g) year-2021 at x{SCALE} arrivals", lambda: case_g(work)),
            ("h", "(h) hotline-sim staff on year-2021", lambda: case_h(work)),
            ("i", "(i) hotline-sim plan on year-2021, 3 years quarterly", lambda: case_i(work)),
            ("j", "(j) hotline-sim reproduce --jobs 2", lambda: case_j(work)),
        ]
        if {"a", "b", "c"} <= cases:
            print("(a), (b), (c) in rounds, back to back ...", file=sys.stderr, flush=True)
            results.update(rounds_abc(work, repeat))
        for letter, what, run in steps:
            if letter in cases and letter not in results:
                print(f"{what} ...", file=sys.stderr, flush=True)
                results[letter] = run()
    rows, targets = build_report(results, repeat)
    print(text_table(rows))
    print()
    for line in targets:
        print(line)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if not args.no_write:
        RESULTS_MD.write_text(markdown(rows, targets), encoding="utf-8")
        print(f"written to {RESULTS_MD.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
