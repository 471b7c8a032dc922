"""satchel packagers for acme widgets: a widget is stored as a small JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acme_widgets import Widget
from satchel import DefaultPackager  # imported, not defined here: not collected


class _Base(DefaultPackager):
    """Private (leading underscore) and without a PACKABLE_OBJECT_TYPE: never collected."""


class WidgetPackager(_Base):
    """Packs a `Widget` as JSON (artifact type `file`)."""

    PACKABLE_OBJECT_TYPE = Widget
    PRIORITY = 4
    DEFAULT_PACKING_ARTIFACT_TYPE = "file"
    DEFAULT_UNPACKING_ARTIFACT_TYPE = "file"

    def pack_file(self, obj: Widget, key: str, indent: int = 0) -> tuple[Path, dict[str, Any]]:
        """Write the widget's fields as JSON (indented when `indent` is set)."""
        path = self.staging_path(key, ".widget.json")
        path.write_text(json.dumps({"name": obj.name, "size": obj.size}, indent=indent or None))
        return path, {"format": "widget-json"}

    def unpack_file(self, item: Any, format: str = "widget-json") -> Widget:
        """Read the widget back."""
        data = json.loads(Path(item.local_path()).read_text())
        return Widget(data["name"], data["size"])
