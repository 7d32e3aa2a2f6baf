"""Serving the site folder on this machine, for a preview in a browser (`tuphap serve`)."""
from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths


def make_server(paths: ProjectPaths, host: str, port: int) -> ThreadingHTTPServer:
    """A static server over outputs/site/ (bound to host; port 0 picks a free one)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(paths.site_dir))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise TuphapError(_("cannot serve on {host}:{port}: {reason} (try another --port)").format(
            host=host, port=port, reason=exc.strerror or exc)) from None
