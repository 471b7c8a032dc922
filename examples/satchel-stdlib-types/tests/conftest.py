"""The samples module is imported by name, as a user's module of classes would be."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
