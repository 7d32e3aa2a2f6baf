"""Serving the site folder on this machine, for a preview in a browser (`tuphap serve`)."""
from __future__ import annotations

import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.project import ProjectPaths


class SiteHandler(SimpleHTTPRequestHandler):
    """The standard static handler, refusing paths no file can have instead of failing on them."""

    def send_head(self):
        # A '%00' or a lone surrogate ('%ED%A0%80') decodes to a path that open() refuses with a
        # ValueError, which would reach the server as a traceback: it is the client's bad request.
        path = self.translate_path(self.path)
        try:
            valid = "\0" not in path and bool(path.encode("utf-8"))
        except UnicodeEncodeError:
            valid = False
        if not valid:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return None
        return super().send_head()


class SiteServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A request that failed anyway (the browser went away mid-answer…): one line, no traceback,
        and the server goes on."""
        error = sys.exc_info()[1]
        print(_("error answering {client}: {error}").format(client=client_address[0], error=error or "?"),
              file=sys.stderr)


def make_server(paths: ProjectPaths, host: str, port: int) -> ThreadingHTTPServer:
    """A static server over outputs/site/ (bound to host; port 0 picks a free one)."""
    handler = partial(SiteHandler, directory=str(paths.site_dir))
    try:
        return SiteServer((host, port), handler)
    except OSError as exc:
        raise TuphapError(_("cannot serve on {host}:{port}: {reason} (try another --port)").format(
            host=host, port=port, reason=exc.strerror or exc)) from None
