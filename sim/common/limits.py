"""The ceilings and floors of the scenario schema and of a job, in one place (docs/limits.md).

Every number a scenario may hold has a range that keeps the model meaningful and every number it
gives finite; the schema (`sim.scenario`) takes its ranges from here, and
docs/scenario-reference.md shows them. How big a job may be, given its values, is
`sim.experiments.size`'s (its limits are at the end of this module). This module imports nothing,
so the command line can use it before anything heavy is loaded.
"""

MAX_DAYS = 36_500  # 100 years: the longest horizon, and the latest day any window, change or point names
MAX_HOURS = MAX_DAYS * 24.0
MIN_HORIZON_DAYS = 1.0
MAX_ANALYSTS = 1_000  # in a team, a shift or a headcount change
MAX_REPLICATIONS = 1_000
MAX_SEED = 2**63 - 1  # a TOML integer
MAX_REPORTS_PER_DAY = 1_000_000.0  # one source's base rate
MAX_FINDS_PER_SEARCH_HOUR = 10_000.0
MAX_FACTOR = 1_000.0  # volume and surge multipliers, the hash-match time factor
MAX_GROWTH_PER_YEAR = 10.0  # +1,000 % a year
MAX_INITIAL_BACKLOG = 10_000_000
MAX_SOURCES = 100
MAX_FILE_BYTES = 10_000_000  # a scenario file
MAX_LIST = 1_000  # surges, windows, changes, hosts, points of an empirical distribution or a share
MIN_MINUTES = 1.0  # a search block, the time between breaks, a break
MIN_FOLLOW_UP_HOURS = 0.01  # 36 seconds
MAX_FOLLOW_UPS = 1_000
MIN_PROFILE_WEIGHT, MAX_PROFILE_WEIGHT = 1e-6, 1e6  # a smaller positive weight is lost to rounding
MAX_REUPLOAD_SHARE = 0.99  # re-uploads reported, share x (1 - hash_block_share): at 1, forever
MAX_SHARE_PER_YEAR = 100.0  # a share's growth rule, either way
# one analyst's cost a year: a hundred million in any currency (above any salary in the currencies
# of the hotlines' countries), so a team's cost over a 100-year horizon stays a finite float
MAX_COST_PER_YEAR = 100_000_000.0
# a distribution's parameters, in the unit of the key that holds it (a million minutes is 1.9
# years, a million hours 114 years), and its spread: every draw, sum and mean stays a finite float
MAX_VALUE = 1_000_000.0
MAX_CV = 10.0

# A job (sim.experiments.size): its estimated steps and the memory of the process holding its results.
MAX_STEPS = 3e9  # about 4 to 6 hours on one core (sim.experiments.size)
MAX_MEMORY_BYTES = 8 * 1024**3  # 8 GiB
MAX_JOBS = 256  # processes
MAX_ARMS = 1_000  # a sweep's combinations of values, or a sensitivity analysis's moves
