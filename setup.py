"""The build: the package, with the model's modules (sim/model) compiled into C extensions by mypyc
when a C compiler is there (`sim.model` says when they are used; the pure-Python modules are the
reference and are always installed too).

`HOTLINE_SIM_COMPILE`: unset, compile if the machine can and otherwise install the pure-Python model
with a warning; `1`, compile or fail; `0`, do not compile. setuptools reads the project's metadata
from pyproject.toml; this file adds only the extensions.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

CHOICE = os.environ.get("HOTLINE_SIM_COMPILE", "")
if CHOICE not in ("", "0", "1"):
    sys.exit(f"HOTLINE_SIM_COMPILE: expected 1 (compile the model), 0 (do not) or unset, got {CHOICE!r}")
MODEL = Path("sim") / "model"
RECORD = MODEL / "_compiled_from.json"
# the mypy options the model is checked with (pyproject.toml's [tool.mypy])
MYPYC_ARGS = ["--config-file", "pyproject.toml"]
# what the build needs: mypy, and the packages whose types the compiled code relies on (without
# NumPy's, `np.ndarray | float` would compile as a float), so that the build sees them whether or
# not pip has installed the package's own dependencies yet
BUILD_REQUIRES = ["mypy>=1.10", "numpy>=1.26", "simpy>=4.1"]


def fall_back(why: object) -> None:
    """Without the compiled model: say so, and leave no record of a build."""
    if CHOICE == "1":
        raise SystemExit(f"HOTLINE_SIM_COMPILE=1, but the model could not be compiled: {why}")
    RECORD.unlink(missing_ok=True)
    print(
        f"hotline-sim: the model is not compiled ({why}); the pure-Python model is installed", file=sys.stderr
    )


def ext_modules() -> list:
    """The compiled model's extensions (none with HOTLINE_SIM_COMPILE=0, or when mypyc cannot make them)."""
    if CHOICE == "0":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # pip is asking for the build's requirements: mypy is not there yet
        return []
    modules = sorted(MODEL.glob("*.py"))
    # what the build is made from (as sim.model.source_digests): the extensions are used only while
    # the source matches it (sim/model/__init__.py, which checks that, is not compiled)
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in modules}
    RECORD.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
    compiled = [str(p) for p in modules if p.name != "__init__.py"]
    try:
        return mypycify([*MYPYC_ARGS, *compiled], opt_level="3", group_name="hotline_sim_model")
    except (Exception, SystemExit) as error:  # mypy found a type error (an edit not yet checked)
        fall_back(f"mypyc: {error}")
        return []


class OptionalBuildExt(build_ext):
    """Builds the compiled model, or, when the C compiler fails or is missing, nothing of it."""

    def run(self) -> None:
        """Build every extension, or none."""
        try:
            super().run()
        except Exception as error:
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            fall_back(f"the C compiler: {error}")


setup(
    setup_requires=[] if CHOICE == "0" else BUILD_REQUIRES,
    ext_modules=ext_modules(),
    cmdclass={"build_ext": OptionalBuildExt},
    package_data={"sim.model": ["_compiled_from.json"]},
)
