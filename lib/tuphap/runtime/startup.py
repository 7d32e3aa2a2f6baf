"""Start-up settings for the processes a build runs in: the command itself and its local workers."""
from __future__ import annotations

import sys


def skip_unused_imports() -> None:
    """jsonschema, which nbformat imports for papermill and nbconvert, compiles an IRI grammar at
    import when rfc3987-syntax is installed (JupyterLab's server pulls it in), seconds of CPU in
    every process. Notebook schemas have no IRI formats, so a build never needs it; marking the module
    absent makes jsonschema leave those two formats out, as it does when the package is missing."""
    sys.modules.setdefault("rfc3987_syntax", None)
