"""datasync-openapi: hand-written tooling around the DataSync OpenAPI specs."""

__version__ = "0.1.0"


__all__ = ["__version__"]
