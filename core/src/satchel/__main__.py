"""`python -m satchel` is the `satchel` command."""

from satchel.cli import main

raise SystemExit(main())
