"""Collection. With the compiled model (see `sim.model`), the model's modules load as extensions,
so pytest cannot collect their doctests from the `.py` files: `tests/model/test_compiled.py` runs
them on the pure-Python model."""

from sim.model import BUILD

collect_ignore_glob = ["sim/model/*.py"] if BUILD == "compiled" else []
