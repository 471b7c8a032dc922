"""satchel-stdlib-types: satchel packagers (the packagers are in `satchel_stdlib_types.packagers`)."""
