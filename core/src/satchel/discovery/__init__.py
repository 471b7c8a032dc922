"""Finding and loading plugins of any entry-point group, each failure isolated (internal).

Knows nothing of packagers: packaging (and, later, store backends) decide what a loaded
plugin must provide.
"""
