"""Collection. With the compiled model (`HOTLINE_SIM_COMPILE=1`, see `sim.model`), the model's
modules load as extensions, so pytest cannot collect their doctests from the `.py` files: they are
left to a run on the pure-Python model (CI's)."""

from sim.model import BUILD

collect_ignore_glob = ["sim/model/*.py"] if BUILD == "compiled" else []
