"""A satchel plugin that cannot be imported."""
