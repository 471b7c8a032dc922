"""The packaging core (internal): packager bases, collection, the registry that chooses, packing,
unpacking, log and type hints. Never imports tracking or the command line."""
