"""XML: `<data><row><a>1</a><b>x</b></row>...</data>`, the shape `read_xml` reads.

Written with lxml's incremental writer (no tree of the whole frame in memory). A missing value is
an absent element, so it is never confused with an empty string (`<b></b>`). Element names are
the column names when they are all valid and unique XML names, else `index_<i>` and `c<i>`.
Every value is text, restored from the schema; text XML 1.0 cannot hold (control characters) is
written Python-escaped in an element marked `escaped="unicode"`. Reading never resolves entities
or the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from satchel_pandas.formats import Written
from satchel_pandas.formats.text import load_integers, object_losses, store_integers
from satchel_pandas.frames import assemble, flatten, header_texts, labels_of
from satchel_pandas.schema import Schema
from satchel_pandas.values import text_values

_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ROOT, ROW = "data", "row"
ESCAPED = "escaped"  # attribute of an element whose text is Python-escaped (XML 1.0 cannot hold it)


def element_names(obj: Any, levels: int) -> list[str]:
    """The column names if all are valid, unique XML names, else positional names."""
    header = header_texts(obj)
    valid = all(_XML_NAME.match(name) and not name.lower().startswith("xml") for name in header)
    valid = valid and not {ROOT, ROW} & set(header)
    if valid and len(set(header)) == len(header):
        return header
    return [f"index_{i}" for i in range(levels)] + [f"c{i}" for i in range(len(header) - levels)]


def write_xml(obj: Any, path: Path, schema: Schema) -> Written:
    """Stream the rows of the flat frame as elements of text."""
    from lxml import etree

    names = element_names(obj, schema.index_levels)
    flat, integers = store_integers(flatten(obj, [f"_{i}" for i in range(len(names))]))
    columns = [text_values(flat.iloc[:, position]) for position in range(flat.shape[1])]
    with etree.xmlfile(str(path), encoding="utf-8") as out:
        out.write_declaration()
        with out.element(ROOT):
            for row in zip(*columns):
                element = etree.Element(ROW)
                for name, value in zip(names, row):
                    if value is None:
                        continue
                    child = etree.SubElement(element, name)
                    if _NOT_XML.search(value):
                        child.set(ESCAPED, "unicode")
                        value = value.encode("unicode_escape").decode("ascii")
                    child.text = value
                out.write(element)
            for _ in range(schema.rows if not columns else 0):
                out.write(etree.Element(ROW))
    layout: dict[str, Any] = {"names": names}
    if integers:
        layout["integers"] = integers
    return Written(layout=layout, losses=object_losses(schema, labels_of(obj), "xml"))


def read_xml(path: str, schema: Schema, layout: dict[str, Any]) -> Any:
    """Collect each row's element texts by name (absent: missing) and restore the schema."""
    import pandas as pd
    from lxml import etree

    names = layout["names"]
    positions = {name: position for position, name in enumerate(names)}
    columns: list[list[Any]] = [[] for _ in names]
    rows = 0
    for _, element in etree.iterparse(
        path, events=("end",), tag=ROW, resolve_entities=False, no_network=True, huge_tree=True
    ):
        values: list[Any] = [None] * len(names)
        for child in element:
            text = child.text or ""
            if child.get(ESCAPED):
                text = text.encode("ascii").decode("unicode_escape")
            values[positions[child.tag]] = text
        for column, value in zip(columns, values):
            column.append(value)
        rows += 1
        element.clear()
    if not names:
        flat = pd.DataFrame(index=pd.RangeIndex(rows))
    else:
        flat = pd.DataFrame({i: pd.Series(column, dtype=object) for i, column in enumerate(columns)})
    return assemble(load_integers(flat, layout.get("integers", [])), schema)


def read_plain(path: str) -> Any:
    """An XML file made outside satchel: `read_xml` defaults (lxml, entities not resolved)."""
    import pandas as pd

    return pd.read_xml(path)


WRITERS = {"xml": write_xml}
READERS = {"xml": read_xml}
PLAIN_READERS = {"xml": read_plain}
