"""Where the content `load_content` loads comes from: settings.CONTENT_FIXTURES."""

from pathlib import Path

from django.conf import settings

FORMATS = {".yaml", ".yml", ".json"}


class MissingContent(Exception):
    pass


def bundled_fixtures() -> list[str]:
    """The content files to load, in load order: every file named in settings.CONTENT_FIXTURES,
    and the .yaml, .yml and .json files of every folder named there, by file name."""
    files = []
    for entry in map(Path, settings.CONTENT_FIXTURES):
        if entry.is_dir():
            files += sorted(
                (path for path in entry.iterdir() if path.suffix in FORMATS),
                key=lambda path: path.name,
            )
        elif entry.is_file():
            files.append(entry)
        else:
            raise MissingContent(
                f"No content file or folder at {entry}. Check CONTENT_FIXTURES "
                "(DJANGO_CONTENT_FIXTURES)."
            )
    return [str(path) for path in files]
