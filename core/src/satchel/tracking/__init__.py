"""Tracking (internal): runs recorded in a store, their inputs pinned, their outputs packed into it.

Built on packaging, never the reverse. The public names (`satchel.run`, `satchel.handler`,
`satchel.load`, `satchel.Run`, ...) are exported by `satchel` itself.
"""
