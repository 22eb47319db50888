"""Where the bundled content lives."""

from pathlib import Path

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"


def bundled_fixtures() -> list[str]:
    """The bundled content files, in load order (their names sort in that order)."""
    return sorted(path.stem for path in FIXTURE_DIR.glob("crps_*.yaml"))
