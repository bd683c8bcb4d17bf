"""Launchers of real servers (PostgreSQL, ...) for tests and for a local cluster of hosts.

Development and test tooling only: the application never imports this package.
"""
