"""The benchmark of issue 8 (`make bench`): bench/run.py orchestrates, the other modules measure."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
