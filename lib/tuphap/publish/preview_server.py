"""Serving a live preview on this machine (`tuphap preview`), on 127.0.0.1 only.

- `/` the report's screen page, as the preview session last assembled it, with a status line and a
  small script added as it is sent: the script listens to `/events` (Server-Sent Events) and reloads
  the page, keeping its scroll position, as soon as the preview has a newer version; the status line
  says "Đang cập nhật…" while sections re-run, when the page was last updated, and any error. Only the
  served page gets them: the preview writes no report file, and a build's report.html never has them.
- `/events` the preview's state as it changes (JSON: token, version, status, message);
- `/state` the same once (for scripts and the benchmark);
- `/report.pdf`, `/report.docx` the current version rendered on demand (links on the status line).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tuphap.atomic import write_atomically
from tuphap.compute import formatting
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.render.preview import address_file
from tuphap.runtime.preview import PreviewSession, Update

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0
FILES = {  # path: (kind, content type, disposition)
    "/report.pdf": ("pdf", "application/pdf", "inline"),
    "/report.docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
}

_STYLE = """<style id="tuphap-preview-style">
#tuphap-preview{position:fixed;left:0;right:0;bottom:0;z-index:1000;display:flex;gap:1.2em;align-items:center;
  padding:5px 14px;font:13px/1.4 system-ui,"Segoe UI",Arial,sans-serif;background:#eaf5ea;color:#1d4d1d;
  border-top:1px solid #9c9;box-shadow:0 -1px 4px rgba(0,0,0,.08)}
#tuphap-preview.running{background:#fff8e1;color:#5c4400;border-color:#e0c060}
#tuphap-preview.error,#tuphap-preview.failed{background:#fde2e1;color:#7a0000;border-color:#d88}
#tuphap-preview-message{flex:1;white-space:pre-wrap}
#tuphap-preview a{color:inherit;font-weight:600}
body{padding-bottom:3em}
body.tuphap-preview-stale main{opacity:.4}
@media print{#tuphap-preview{display:none}body{padding-bottom:0}body.tuphap-preview-stale main{opacity:1}}
</style>"""

_SCRIPT = """<script>
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("tuphap-preview-config").textContent);
  var bar = document.getElementById("tuphap-preview");
  var message = document.getElementById("tuphap-preview-message");
  var scrollKey = "tuphap-preview-scroll";
  function show(state) {
    bar.className = state.status;
    message.textContent = state.message;
    document.body.classList.toggle("tuphap-preview-stale", state.status === "error" && state.version > 0);
  }
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
    }
  } catch (ignored) {}
  show(config);
  var events = new EventSource("/events");
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (state.token !== config.token || state.version > config.version) {
      try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (ignored) {}
      events.close();
      window.location.reload();
      return;
    }
    show(state);
  };
  events.onerror = function () {
    if (events.readyState !== EventSource.CLOSED) {
      bar.className = "error";
      message.textContent = "Mất kết nối với tuphap preview (đã dừng?). Đang thử kết nối lại…";
    }
  };
})();
</script>"""


def _seconds(value: float) -> str:
    return formatting.number(round(value, 1))


def _numbers(sections: list[str]) -> str:
    """Sections as the analyst names them: '00, 02' for 00-mo-dau and 02-pho-bien-…"""
    return ", ".join(name.split("-", 1)[0] for name in sections)


def _clock(iso: str) -> str:
    return f"{dt.datetime.fromisoformat(iso):%H:%M:%S}" if iso else ""


def update_message(update: Update) -> tuple[str, str]:
    """The status and the Vietnamese line the page shows after a refresh."""
    if update.error:
        stale = " Trang đang hiện bản trước đó, chưa cập nhật." if update.version else ""
        return "error", f"Chưa cập nhật được lúc {_clock(update.at)}: {update.error.rstrip('.')}.{stale}"
    ran = f" · chạy lại {len(update.ran)} mục ({_numbers(update.ran)}) trong {_seconds(update.seconds)} giây" if update.ran else ""
    if update.failed:
        return "failed", (f"Đã cập nhật lúc {_clock(update.at)}{ran} · {len(update.failed)} mục bị lỗi "
                          f"({', '.join(update.failed)}): xem khung đỏ trong trang")
    return "ready", f"Đã cập nhật lúc {_clock(update.at)}{ran}"


def served_page(page: str, state: dict) -> str:
    """The page as sent: its title marked as a preview, the status line, its style and the script."""
    config = json.dumps(state, ensure_ascii=False).replace("<", "\\u003c")
    chrome = (f'{_STYLE}\n<div id="tuphap-preview" class="{html.escape(state["status"])}" role="status" aria-live="polite">'
              f'<span id="tuphap-preview-message">{html.escape(state["message"])}</span>'
              f'<a href="/report.pdf" target="_blank" rel="noopener">Xem PDF</a>'
              f'<a href="/report.docx">Tải Word</a></div>\n'
              f'<script type="application/json" id="tuphap-preview-config">{config}</script>\n{_SCRIPT}\n')
    end = page.rfind("</body>")
    page = page[:end] + chrome + page[end:] if end >= 0 else page + chrome
    return page.replace("<title>", "<title>Xem trước · ", 1)


def _waiting_page(unit: str, year: int) -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(unit)} {year}</title>'
            f'</head><body><main><h1 style="font:20px system-ui,sans-serif">Bản xem trước báo cáo {html.escape(unit)} '
            f'năm {year}</h1></main></body></html>')


class PreviewServer(ThreadingHTTPServer):
    """One report's preview. Handlers read the session's page; the preview's thread reports through
    starting() and updated(), which wake the open /events streams."""
    daemon_threads = True

    def __init__(self, session: PreviewSession, port: int):
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            raise TuphapError(_("cannot use the port {port} at {host} ({reason}): choose another with --port, or "
                                "--port 0 for any free port").format(port=port, host=HOST,
                                                                     reason=exc.strerror or exc)) from None
        self.session = session
        self.token = secrets.token_hex(8)  # a restarted preview makes open pages reload
        self._state = {"token": self.token, "version": 0, "status": "running", "message": "Đang tạo bản xem trước…"}
        self._changed = threading.Condition()
        self._seq = 0
        self.stopping = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def state(self) -> tuple[int, dict]:
        with self._changed:
            return self._seq, dict(self._state)

    def _set(self, **state) -> None:
        with self._changed:
            self._state.update(state)
            self._seq += 1
            self._changed.notify_all()

    def starting(self, sections: list[str]) -> None:
        what = f" (chạy lại {_numbers(sections)})" if sections else ""
        self._set(status="running", message=f"Đang cập nhật…{what}")

    def updated(self, update: Update) -> None:
        status, message = update_message(update)
        self._set(status=status, message=message, version=update.version, ran=update.ran)

    def wait(self, seq: int, timeout: float) -> tuple[int, dict]:
        """The state after `seq`, or the same one after `timeout` seconds (or when stopping)."""
        with self._changed:
            self._changed.wait_for(lambda: self._seq != seq or self.stopping, timeout)
            return self._seq, dict(self._state)

    def close_streams(self) -> None:
        """End the open /events streams (before the server closes)."""
        with self._changed:
            self.stopping = True
            self._changed.notify_all()

    # -- where notebooks find it (section.preview()) ---------------------------------------------------
    def advertise(self, pid: int) -> Path:
        record = {"url": self.url, "pid": pid, "unit": self.session.unit, "year": self.session.year, "kind": self.session.kind}
        path = address_file(self.session.paths, self.session.year, self.session.unit, self.session.kind)
        write_atomically(path, json.dumps(record).encode("utf-8"))
        return path

    def withdraw(self) -> None:
        path = address_file(self.session.paths, self.session.year, self.session.unit, self.session.kind)
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("url") == self.url:
                path.unlink()
        except (OSError, ValueError):
            pass


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the command's output is for the analyst: no request log

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        path = urlsplit(self.path).path
        try:
            if path in ("/", "/index.html", "/report.html"):
                self._page()
            elif path == "/events":
                self._events()
            elif path == "/state":
                self._send(200, "application/json", json.dumps(self.server.state()[1], ensure_ascii=False).encode())
            elif path in FILES:
                self._file(*FILES[path])
            elif path == "/favicon.ico":
                self._send(204, "image/x-icon", b"")
            else:
                self._message(404, "Không có trang này. Bản xem trước ở địa chỉ /.")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (a reload)

    def _send(self, code: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _message(self, code: int, text: str) -> None:
        body = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>tuphap preview</title></head>'
                f'<body><p style="font:15px system-ui,sans-serif">{html.escape(text)}</p></body></html>')
        self._send(code, "text/html; charset=utf-8", body.encode("utf-8"))

    def _page(self) -> None:
        session = self.server.session
        _seq, state = self.server.state()
        version, page = session.current()
        state["version"] = version  # the version this page is, which the script compares with the next ones
        body = served_page(page or _waiting_page(session.unit, session.year), state)
        self._send(200, "text/html; charset=utf-8", body.encode("utf-8"))

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seq, state = self.server.state()
        while not self.server.stopping:
            self.wfile.write(f"data: {json.dumps(state, ensure_ascii=False)}\n\n".encode("utf-8"))
            self.wfile.flush()
            new_seq, state = self.server.wait(seq, KEEPALIVE_SECONDS)
            while new_seq == seq and not self.server.stopping:  # nothing new: a comment keeps the line open
                self.wfile.write(b": \n\n")
                self.wfile.flush()
                new_seq, state = self.server.wait(seq, KEEPALIVE_SECONDS)
            seq = new_seq

    def _file(self, kind: str, content_type: str, disposition: str) -> None:
        session = self.server.session
        try:
            version, content = session.print_file(kind)
        except TuphapError:
            self._message(503, "Báo cáo chưa sẵn sàng: chờ trang tạo xong rồi thử lại.")
            return
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, the preview goes on
            self._message(500, f"Không tạo được tệp {kind.upper()}: {type(exc).__name__}: {exc}")
            return
        name = f"{session.unit}-{session.year}-xem-truoc-{version}.{kind}"
        self._send(200, content_type, content, {"Content-Disposition": f'{disposition}; filename="{name}"'})
