#!/usr/bin/env python3
"""Regenerates every NumPy reference fixture under tests/fixtures/.

Each script in scripts/fixtures/ writes its own files with real NumPy; run
this after changing one, and commit the results. Usage: python3 scripts/gen_fixtures.py
"""
import pathlib
import runpy
import sys

here = pathlib.Path(__file__).resolve().parent
for script in sorted((here / "fixtures").glob("*.py")):
    print(f"== {script.name}", file=sys.stderr)
    runpy.run_path(str(script), run_name="__main__")
