"""`python -m satchel`: the same as the `satchel` command."""

from satchel.cli import main

raise SystemExit(main())
