"""``python -m datasync_openapi``: the ``datasync`` command, for when its script is not on PATH."""

from datasync_openapi.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
