"""Where the transparency tests find the real shared files and the fixtures."""

import os
from pathlib import Path

import pytest

from disputes.figures.common import RowError, SkippedRow

SHARED_DIR = Path(
    os.environ.get("STANDOFF_SHARED_DIR")
    or Path(__file__).resolve().parents[3].parent / "shared"
)
DATA_DIR = SHARED_DIR / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "transparency"

requires_shared_data = pytest.mark.skipif(
    not DATA_DIR.is_dir(), reason=f"shared data folder {DATA_DIR} is absent"
)


def split(results):
    """(records, errors, skipped) from a parser's output."""
    results = list(results)
    errors = [r for r in results if isinstance(r, RowError)]
    skipped = [r for r in results if isinstance(r, SkippedRow)]
    records = [r for r in results if not isinstance(r, (RowError, SkippedRow))]
    return records, errors, skipped
