"""The test suite (a package so that tests import their servers as ``tests.apps``)."""
