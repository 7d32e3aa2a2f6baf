"""Kept versions, signing, verifying and diff through the commands: Tân Khai 2024's final copy kept as v1,
signed with a key of a throwaway authority made here, the signature checked by poppler's pdfsig as well as
by `tuphap verify`, a second version after changed figures, and what `tuphap diff` says changed."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdfium2
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from pypdf import PdfReader

from tests.conftest import built_once, run_tuphap, writable_copy
from tests.test_final import ACKNOWLEDGED, acknowledge
from tests.versions.certificates import (PASSWORD, SOFTHSM, TOKEN_PIN, make_authority, make_timestamp_authority,
                                        make_token)

VERSION_1 = ("outputs", "versions", "2024", "tan-khai", "v1")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _final(root):
    acknowledge(root, ACKNOWLEDGED)
    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", "--quiet", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    """A project whose Tân Khai 2024 final copy was built once and kept as v1 (shared: copy to change)."""
    return built_once(tmp_path_factory, "final-version", _final)


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return make_authority(tmp_path_factory.mktemp("ca"))


def _sign(root, key, *more):
    return run_tuphap("sign", "--unit", "tan-khai", "--year", "2024", "--pkcs12", str(key), "--password", PASSWORD, *more,
                      root=root)


def _digest(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_a_final_build_keeps_a_read_only_version_once(final, tmp_path):
    root, result = final
    assert "Kept as version v1: " in result.stdout
    version = root.joinpath(*VERSION_1)
    assert sorted(p.name for p in version.iterdir()) == ["report.docx", "report.html", "report.pdf", "version.json"]
    assert all(not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) for p in version.iterdir())
    record = json.loads((version / "version.json").read_text(encoding="utf-8"))
    entry = json.loads((root / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]["2024/tan-khai"]
    assert (record["version"], record["build_id"], record["data_hash"]) == (1, entry["build_id"], entry["data_hash"])
    assert record["figures"]["hoa_giai.tiep_nhan"] == 15 and record["signer"]["name"] == "Lê Viết Truyền"
    assert {(a["rule"], a["indicator"]) for a in record["acknowledged"]} == set(ACKNOWLEDGED)
    assert (version / "report.pdf").read_bytes() == (root / "outputs" / "2024" / "tan-khai" / "report.pdf").read_bytes()

    copy = writable_copy(root, tmp_path / "project")
    again = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", "--quiet", root=copy)
    assert again.returncode == 0 and "Kept as version" not in again.stdout  # the same build: no new version
    draft = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--quiet", root=copy)
    assert draft.returncode == 0 and "Kept as version" not in draft.stdout  # a draft is never kept
    listed = run_tuphap("versions", "--unit", "tan-khai", "--year", "2024", root=copy)
    assert listed.returncode == 0 and listed.stdout.count("\n") == 1 and listed.stdout.startswith("v1  kept ")
    assert "not signed" in listed.stdout


def test_signing_keeps_the_signed_bytes_and_pdfsig_finds_it_valid(final, authority, tmp_path):
    root = writable_copy(final[0], tmp_path / "project")
    trust_root, key = authority
    version = root.joinpath(*VERSION_1)
    before = _digest(version)
    result = _sign(root, key)
    assert result.returncode == 0, result.stdout + result.stderr
    signed = version / "report.signed.pdf"
    assert result.stdout.startswith(f"Signed: {signed}\nSite: ")
    assert {name: digest for name, digest in _digest(version).items() if name != signed.name} == before
    assert signed.read_bytes().startswith((version / "report.pdf").read_bytes())  # an incremental update

    checked = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True)
    assert "Signature is Valid." in checked.stdout and "Total document signed" in checked.stdout, checked.stdout
    assert "Nguyễn Văn Thử" in checked.stdout and "ETSI.CAdES.detached" in checked.stdout  # PAdES

    verified = run_tuphap("verify", str(signed), "--trust-root", str(trust_root))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for line in ("intact: yes", "covers the whole file: yes", "certificate chains to a trusted root: yes",
                 "Nguyễn Văn Thử", "every signature holds"):
        assert line in verified.stdout

    # The visible signature sits in the signature block: on the signer's page, below the title, above the name.
    page_number, page = next((n, p) for n, p in enumerate(PdfReader(signed).pages)
                             if any(a.get_object().get("/FT") == "/Sig" for a in p.get("/Annots", [])))
    box = next(a.get_object()["/Rect"] for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    text = pypdfium2.PdfDocument(str(signed))[page_number].get_textpage()
    name, title = (text.get_charbox(text.search(word, match_case=True).get_next()[0]) for word in ("Lê Viết Truyền", "CHỦ TỊCH"))
    assert name[3] < float(box[1]) < float(box[3]) < title[1]
    assert float(box[0]) < name[0] < name[2] < float(box[2])

    mark = ("versions", "--unit", "tan-khai", "--year", "2024", "--mark-sent", "Phòng Tư pháp", "--on")
    early = run_tuphap(*mark, "1900-01-01", root=root)
    assert early.returncode == 1 and "cannot have been sent on 01/01/1900" in early.stderr
    today = dt.date.today()
    listed = run_tuphap(*mark, today.isoformat(), root=root)
    assert listed.returncode == 0 and f"signed  sent to Phòng Tư pháp on {today:%d/%m/%Y}" in listed.stdout
    unit_page = BeautifulSoup((root / "outputs" / "site" / "units" / "tan-khai.html").read_text(encoding="utf-8"), "html.parser")
    kept = unit_page.select_one('tr[data-year="2024"] li[data-version="v1"]')
    assert f"đã gửi Phòng Tư pháp ngày {today:%d/%m/%Y}" in kept.get_text(" ")
    link = kept.select_one("a.signed")["href"]
    assert (root / "outputs" / "site" / "units" / link).resolve().read_bytes() == signed.read_bytes()


def test_a_changed_signed_file_fails_verification(final, authority, tmp_path):
    root = writable_copy(final[0], tmp_path / "project")
    trust_root, key = authority
    assert _sign(root, key).returncode == 0
    signed = root.joinpath(*VERSION_1) / "report.signed.pdf"
    tampered = tmp_path / "tampered.pdf"
    content = bytearray(signed.read_bytes())
    at = content.index(b"/Producer")  # inside the signed bytes
    content[at + 1:at + 2] = b"Q"
    tampered.write_bytes(bytes(content))
    verified = run_tuphap("verify", str(tampered), "--trust-root", str(trust_root))
    assert verified.returncode == 1 and "intact: no" in verified.stdout and "a signature does not hold" in verified.stderr
    assert "Digest Mismatch" in subprocess.run(["pdfsig", str(tampered)], capture_output=True, text=True).stdout
    unknown_root = make_authority(tmp_path / "other-ca")[0]
    distrusted = run_tuphap("verify", str(signed), "--trust-root", str(unknown_root))
    assert distrusted.returncode == 1 and "certificate chains to a trusted root: no" in distrusted.stdout
    unsigned = run_tuphap("verify", str(root.joinpath(*VERSION_1) / "report.pdf"))
    assert unsigned.returncode == 1 and "has no signature" in unsigned.stderr


@pytest.mark.parametrize("case, message", [
    ("wrong password", "the password is wrong, or the file is not a PKCS#12 key"),
    ("expired", "not now"),
    ("not for signing", "is not for signing"),
    ("signed already", "is signed already"),
    ("no such version", "tan-khai 2024 has no version v9; its versions: v1"),
    ("no final copy", "no final copy of an-phu-mau 2024 has been kept yet"),
])
def test_signing_refuses_bad_input_and_writes_nothing(final, tmp_path, case, message):
    root = writable_copy(final[0], tmp_path / "project")
    trust_root, key = make_authority(tmp_path / "ca", expired=case == "expired", signing=case != "not for signing")
    version = root.joinpath(*VERSION_1)
    arguments = ["sign", "--unit", "tan-khai", "--year", "2024", "--pkcs12", str(key), "--password", PASSWORD]
    if case == "wrong password":
        arguments[-1] = "sai"
    elif case == "signed already":
        assert _sign(root, key).returncode == 0
    elif case == "no such version":
        arguments += ["--version", "v9"]
    elif case == "no final copy":
        arguments[2] = "an-phu-mau"
    before = _digest(version)
    result = run_tuphap(*arguments, root=root)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert _digest(version) == before


def test_a_second_version_after_changed_figures_and_what_diff_says(final, tmp_path):
    root = writable_copy(final[0], tmp_path / "project")
    values = root / "data" / "values" / "2024.csv"
    text = values.read_text(encoding="utf-8")
    for old, new in (("tan-khai,2024,hoa_giai.tiep_nhan,15,", "tan-khai,2024,hoa_giai.tiep_nhan,16,"),
                     ("tan-khai,2024,hoa_giai.thanh,10,", "tan-khai,2024,hoa_giai.thanh,11,")):
        assert old in text
        text = text.replace(old, new)
    values.write_text(text, encoding="utf-8")
    params = root / "params" / "2024" / "tan-khai.yaml"
    old_reason = ACKNOWLEDGED[("don_du_dieu_kien", "tcd.don_du_dieu_kien")]
    params.write_text(params.read_text(encoding="utf-8").replace(old_reason, "Gồm 02 đơn kỳ trước chuyển sang."), encoding="utf-8")
    before = _digest(root.joinpath(*VERSION_1))

    draft_diff = run_tuphap("diff", "--unit", "tan-khai", "--year", "2024", root=root)  # v1 and the copy built now
    assert draft_diff.returncode == 0 and "tan-khai 2024: v1 → the current copy" in draft_diff.stdout
    assert "figure hoa_giai.tiep_nhan (Vụ việc hòa giải tiếp nhận): 15 → 16" in draft_diff.stdout

    result = run_tuphap("build", "--unit", "tan-khai", "--year", "2024", "--final", "--quiet", root=root)
    assert result.returncode == 0 and "Kept as version v2: " in result.stdout, result.stdout + result.stderr
    assert _digest(root.joinpath(*VERSION_1)) == before  # the first version as it was

    diff = run_tuphap("diff", "--unit", "tan-khai", "--year", "2024", root=root)
    assert diff.returncode == 0, diff.stderr
    lines = diff.stdout.splitlines()
    assert lines[0] == "tan-khai 2024: v1 → v2"
    assert "figure hoa_giai.tiep_nhan (Vụ việc hòa giải tiếp nhận): 15 → 16" in lines
    assert "figure hoa_giai.thanh (Hòa giải thành): 10 → 11" in lines
    assert "~ Các tổ hòa giải trên địa bàn thị trấn đã tiếp nhận 15 vụ việc." in lines
    assert "  → Các tổ hòa giải trên địa bàn thị trấn đã tiếp nhận 16 vụ việc." in lines
    assert not [line for line in lines if line.startswith(("+ ", "- "))]  # nothing else was added or removed
    assert (f"acknowledgement don_du_dieu_kien tcd.don_du_dieu_kien: {old_reason} → Gồm 02 đơn kỳ trước chuyển sang."
            in lines)
    word = run_tuphap("diff", "--unit", "tan-khai", "--year", "2024", "v1", "--word", str(tmp_path / "v1-now.docx"), root=root)
    assert word.returncode == 0 and zipfile.is_zipfile(tmp_path / "v1-now.docx"), word.stderr
    assert run_tuphap("diff", "--unit", "tan-khai", "--year", "2024", "v1", "v1", root=root).stdout.endswith(
        "No figure, sentence or acknowledgement changed.\n")
    missing = run_tuphap("diff", "--unit", "tan-khai", "--year", "2024", "v1", "v7", root=root)
    assert missing.returncode == 1 and "has no version v7; its versions: v1, v2" in missing.stderr
    # For reviewers in Word: v2's Word file with v1's figure deleted and v2's inserted, as tracked changes.
    with zipfile.ZipFile(root / "outputs" / "versions" / "2024" / "tan-khai" / "v2" / "changes-from-v1.docx") as word:
        body = etree.fromstring(word.read("word/document.xml"))
    paragraph = next(p for p in body.iter(f"{{{W}}}p") if "đã tiếp nhận" in "".join(p.itertext()) and "hòa giải" in "".join(p.itertext()))
    assert ["".join(d.itertext()) for d in paragraph.iter(f"{{{W}}}del")][:1] == ["15"]
    assert ["".join(i.itertext()) for i in paragraph.iter(f"{{{W}}}ins")][:1] == ["16"]
    unit_page = BeautifulSoup((root / "outputs" / "site" / "units" / "tan-khai.html").read_text(encoding="utf-8"), "html.parser")
    assert unit_page.select_one('li[data-version="v2"] a.word-changes')["href"].endswith("v2/changes-from-v1.docx")
    page = BeautifulSoup((root / "outputs" / "site" / "versions" / "2024" / "tan-khai" / "v1-v2.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert [cell.get_text(" ", strip=True) for cell in page.select('tr[data-indicator="hoa_giai.tiep_nhan"] td')] == \
        ["Vụ việc hòa giải tiếp nhận hoa_giai.tiep_nhan", "15", "16"]
    assert page.select_one("ul.sentences li.changed ins").get_text() == \
        "Các tổ hòa giải trên địa bàn thị trấn đã tiếp nhận 16 vụ việc."


def test_signing_with_a_pkcs11_token(final, tmp_path):
    """A USB signing token, stood in for by SoftHSM: the key never leaves it; a wrong PIN is refused."""
    if not SOFTHSM.is_file():
        if os.environ.get("CI"):  # CI installs it (scripts/install-system-packages)
            pytest.fail(f"{SOFTHSM} is missing")
        pytest.skip(f"{SOFTHSM} is not installed (apt-get install softhsm2)")
    root = writable_copy(final[0], tmp_path / "project")
    token, trust_root = make_token(tmp_path / "token")
    environment = {**os.environ, **token}
    arguments = ["sign", "--unit", "tan-khai", "--year", "2024", "--pkcs11-lib", str(SOFTHSM), "--token-label", "tuphap-thu",
                 "--key-label", "chu-ky", "--password"]
    wrong = run_tuphap(*arguments, "000000", root=root, env=environment)
    assert wrong.returncode == 1 and "the signing token could not be used" in wrong.stderr, wrong.stderr
    assert not (root.joinpath(*VERSION_1) / "report.signed.pdf").exists()
    signed = run_tuphap(*arguments, TOKEN_PIN, root=root, env=environment)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    verified = run_tuphap("verify", str(root.joinpath(*VERSION_1) / "report.signed.pdf"), "--trust-root", str(trust_root))
    assert verified.returncode == 0 and "Nguyễn Văn Token" in verified.stdout, verified.stdout + verified.stderr


@pytest.fixture
def timestamp_server(tmp_path):
    """An RFC 3161 timestamp server on this machine: its URL and the root its certificate chains to."""
    from asn1crypto import tsp

    root, stamper = make_timestamp_authority(tmp_path / "tsa")

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()


def test_signing_with_a_timestamp_server_gives_pades_b_t(final, authority, timestamp_server, tmp_path):
    root = writable_copy(final[0], tmp_path / "project")
    trust_root, key = authority
    url, tsa_root = timestamp_server
    result = _sign(root, key, "--timestamp-url", url)
    assert result.returncode == 0, result.stdout + result.stderr
    signed = root.joinpath(*VERSION_1) / "report.signed.pdf"
    verified = run_tuphap("verify", str(signed), "--trust-root", str(trust_root), "--trust-root", str(tsa_root))
    assert verified.returncode == 0 and "timestamp: yes" in verified.stdout, verified.stdout + verified.stderr
    assert "Signature is Valid." in subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True).stdout
