"""Servers and apps the tests run against: written for the tests, not shipped in the wheel.

Imported as ``tests.apps.<module>`` (pytest puts the project root on ``sys.path``: ``pythonpath`` in pyproject.toml).
"""
