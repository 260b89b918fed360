"""``python -m datasync_openapi.cli``: the ``datasync`` command (as ``python -m datasync_openapi``)."""

from datasync_openapi.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
