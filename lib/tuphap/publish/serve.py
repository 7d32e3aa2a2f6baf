"""Serving the site folder on this machine, for a preview in a browser (`tuphap serve`)."""
from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tuphap.errors import TuphapError
from tuphap.project import ProjectPaths


def make_server(paths: ProjectPaths, host: str, port: int) -> ThreadingHTTPServer:
    """A static server over outputs/site/ (bound to host; port 0 picks a free one)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(paths.site_dir))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise TuphapError(f"cannot serve on {host}:{port}: {exc.strerror or exc} (try another --port)") from None
