"""Imported first by in-process benchmarks: Django on a throwaway SQLite database.

The benchmark is run as `python bench/NAME.py` from the repository root; importing this module
puts the project on the path, picks the test settings and a database in a new temporary
directory, and sets Django up, so the benchmark's own imports can use models at once.
"""

import os
import sys
import tempfile
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcheck.settings.test")
WORKDIR = tempfile.mkdtemp(prefix="govcheck-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
django.setup()
