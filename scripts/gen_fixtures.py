#!/usr/bin/env python3
"""Regenerates every NumPy reference fixture under tests/fixtures/.

Each script in scripts/fixtures/ writes its own files with real NumPy
(common.py there holds their shared encoding helpers and writes nothing); run
this after changing one, and commit the results. Usage: python3 scripts/gen_fixtures.py
"""
import pathlib
import runpy
import sys

here = pathlib.Path(__file__).resolve().parent
fixtures = here / "fixtures"
# The scripts import their shared helpers (fixtures/common.py) by module name;
# run directly, Python finds them next to the script, but run_path does not
# put the script's folder on sys.path.
sys.path.insert(0, str(fixtures))
for script in sorted(fixtures.glob("*.py")):
    if script.name == "common.py":  # helpers, not a fixture script
        continue
    print(f"== {script.name}", file=sys.stderr)
    runpy.run_path(str(script), run_name="__main__")
