"""`python -m sim.cli`: the `hotline-sim` command."""

from sim.cli import console

console()
