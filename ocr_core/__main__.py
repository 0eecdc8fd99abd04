"""``python -m ocr_core``: see ocr_core.cli."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
