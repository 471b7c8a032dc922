"""The store behind runs: two narrow interfaces, one for records and one for payloads, and how a
store is found and opened. The embedded store (a SQLite database and a payload folder) is the
built-in implementation of both; other backends come through the `satchel.stores` entry points.
"""
