"""The preview server over HTTP (no browser): the page with its status line and script added only as
it is served, the state as Server-Sent Events, the PDF and Word files on demand, and the address a
notebook's section.preview() finds."""
from __future__ import annotations

import http.client
import json
import os
import threading
import urllib.error
import urllib.request

import pytest

from tests.conftest import copy_project
from tuphap.project import ProjectPaths
from tuphap.publish.preview_server import PreviewServer, update_message
from tuphap.render.preview import address_file, running_preview
from tuphap.runtime.preview import PreviewSession, Update


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("preview-server") / "project")
    session = PreviewSession(ProjectPaths(root), "tan-khai", 2024)
    server = PreviewServer(session, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.updated(session.refresh())
    yield server
    server.close_streams()
    server.shutdown()
    server.server_close()


def get(server, path: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_served_page_is_the_report_with_the_preview_status_and_script(server):
    status, headers, body = get(server, "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Xem trước · Báo cáo tổng kết công tác Tư pháp năm 2024" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "1.733" in page
    assert 'new EventSource("/events")' in page and 'id="tuphap-preview"' in page
    assert "Đã cập nhật lúc" in page and 'href="/report.pdf"' in page
    assert page.index('id="tuphap-preview"') > page.index("</main>")
    version, report = server.session.current()
    assert version == 1 and "EventSource" not in report and "tuphap-preview" not in report


def test_state_and_events_follow_the_preview(server):
    state = json.loads(get(server, "/state")[2])
    assert state["version"] == 1 and state["status"] == "ready" and len(state["ran"]) == 11
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")

    def event() -> dict:
        line = response.fp.readline().decode("utf-8")
        while not line.startswith("data: "):
            line = response.fp.readline().decode("utf-8")
        return json.loads(line[len("data: "):])

    assert event()["version"] == 1
    server.starting(["01-chi-dao-dieu-hanh"])
    running = event()
    assert running["status"] == "running" and running["message"] == "Đang cập nhật… (chạy lại 01)"
    server.updated(Update(2, ["00-mo-dau", "01-chi-dao-dieu-hanh"], seconds=0.25, at="2024-12-01T10:32:05+07:00"))
    done = event()
    assert done["version"] == 2 and done["message"] == "Đã cập nhật lúc 10:32:05 · chạy lại 2 mục (00, 01) trong 0,2 giây"
    connection.close()
    server.updated(Update(1, [], at="2024-12-01T10:32:06+07:00"))  # back to the session's own version


def test_messages_for_failures_and_unreadable_files():
    failed = update_message(Update(3, ["10-ket-thuc"], ["10-ket-thuc"], 0.1, at="2024-12-01T08:00:00+07:00"))
    assert failed[0] == "failed" and "1 mục bị lỗi (10-ket-thuc)" in failed[1]
    error = update_message(Update(3, error="params/2024/tan-khai.yaml: bad.", at="2024-12-01T08:00:00+07:00"))
    assert error == ("error", "Chưa cập nhật được lúc 08:00:00: params/2024/tan-khai.yaml: bad. "
                              "Trang đang hiện bản trước đó, chưa cập nhật.")


def test_pdf_and_word_are_rendered_on_demand(server):
    status, headers, pdf = get(server, "/report.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    assert 'filename="tan-khai-2024-xem-truoc-1.pdf"' in headers["Content-Disposition"]
    status, headers, docx = get(server, "/report.docx")
    assert status == 200 and docx.startswith(b"PK") and headers["Content-Disposition"].startswith("attachment")
    assert list(server.session.paths.outputs_dir.glob("2024/**/*")) == []  # nothing written for the build


def test_unknown_paths_answer_in_vietnamese(server):
    status, _, body = get(server, "/khong-co")
    assert status == 404 and "Không có trang này" in body.decode("utf-8")


def test_notebooks_find_the_running_preview_by_its_address_file(server):
    session = server.session
    path = server.advertise(os.getpid())
    assert path == address_file(session.paths, 2024, "tan-khai")
    assert running_preview(session.paths, 2024, "tan-khai") == server.url
    server.withdraw()
    assert not path.exists() and running_preview(session.paths, 2024, "tan-khai") is None
