"""The documentation's examples run as written, in a fresh empty folder.

Every fenced ```python block of a document runs, in order, in one Python process whose current
directory is an empty temporary folder (`SATCHEL_HOME` points into it), every warning an error;
a block that raises fails the test with the document's line number. In the tutorial, ```sh
blocks run too, in that folder, at their place in the order (with bash, the satchel of this
environment first on PATH); ```console blocks (installing, building, publishing) are only shown:
`tests/test_install_template.py` runs those steps on real wheels.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = {"README.md": False, "docs/writing-a-packager.md": True}  # document: run its sh blocks too
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

#: Runs the blocks in its own `__main__`, so what they define pickles by reference.
RUNNER = textwrap.dedent(
    """
    import json, pathlib, subprocess, sys, traceback, warnings
    warnings.simplefilter("error")
    document, blocks = sys.argv[1], json.loads(pathlib.Path(sys.argv[2]).read_text())
    for language, line, code in blocks:
        try:
            if language == "python":
                exec(compile("\\n" * line + code, document, "exec"), globals())
            else:
                subprocess.run(["bash", "-e", "-c", code], check=True, capture_output=True, text=True)
        except BaseException as error:
            detail = getattr(error, "stdout", "") + getattr(error, "stderr", "")
            print(f"DOC-FAILURE {document}:{line} ({language} block starting there)", file=sys.stderr)
            print(detail, file=sys.stderr)
            traceback.print_exc()
            sys.exit(1)
    """
)


def blocks(document: str, run_shell: bool) -> list[tuple[str, int, str]]:
    """`(language, line of the opening fence, code)` of each block of `document` to run."""
    text = (REPO / document).read_text(encoding="utf-8")
    fences = [line for line in text.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0, f"{document}: a fence is not closed (or prose starts with ```)"
    found = []
    for match in FENCE.finditer(text):
        language = match.group(1)
        if language == "python" or (run_shell and language == "sh"):
            found.append((language, text.count("\n", 0, match.start()) + 1, match.group(2)))
    return found


@pytest.mark.parametrize("document", sorted(DOCS))
def test_the_examples_run_as_written_in_an_empty_folder(document, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    chosen = blocks(document, DOCS[document])
    languages = {language for language, _, _ in chosen}
    assert languages == ({"python", "sh"} if DOCS[document] else {"python"}), (document, languages)
    listing = tmp_path / "blocks.json"
    listing.write_text(json.dumps(chosen))
    runner = tmp_path / "run_blocks.py"
    runner.write_text(RUNNER)
    env = {name: value for name, value in os.environ.items() if not name.startswith("SATCHEL_")}
    env.pop("PYTHONPATH", None)
    env["SATCHEL_HOME"] = str(work / ".satchel")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", runner, REPO / document, listing],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{done.stderr}\n--- stdout ---\n{done.stdout}"
    # a file left open is a ResourceWarning raised where Python cannot raise it: it is printed
    assert "Warning" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
