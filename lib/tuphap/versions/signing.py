"""Signing a kept version's PDF as PAdES (baseline B-B, B-T with a timestamp server) through pyHanko,
with a key from a PKCS#12 file or a PKCS#11 token (the officers' USB signing tokens). The signature is
an incremental update: the signed file is the version's PDF byte for byte, then the signature. Its visible
box sits in the signature block, between the signer's title and name, with the signer's name, title and
time (and a seal image, Nghị định 30/2020 Phụ lục I)."""
from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tuphap import fonts
from tuphap.errors import TuphapError
from tuphap.i18n import _
from tuphap.versions.store import SIGNED_PDF, Version, add_file

FIELD_NAME = "ChuKySo"
BOX_WIDTH = 200  # points: the width of the signer's column in the block is about 250
BOX_MIN_HEIGHT = 48
GAP = 5  # points between the box and the title above it, the name below it
STAMP_FONT_SIZE = 8
SIGNING_USES = {"digital_signature", "non_repudiation"}


@dataclass(frozen=True)
class Pkcs12Key:
    file: Path
    password: str


@dataclass(frozen=True)
class TokenKey:
    library: Path  # the token's PKCS#11 module, e.g. the vendor's .so
    pin: str
    token_label: str | None = None
    key_label: str | None = None


def _signer(key: Pkcs12Key | TokenKey):
    from pyhanko.sign import signers

    if isinstance(key, Pkcs12Key):
        try:
            data = key.file.read_bytes()
        except OSError as exc:
            raise TuphapError(_("the key file {file} cannot be read: {error}").format(file=key.file, error=exc.strerror))
        try:
            return signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=key.password.encode("utf-8"))
        except ValueError:
            raise TuphapError(_("{file}: the password is wrong, or the file is not a PKCS#12 key (.p12, .pfx)").format(
                file=key.file))
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(str(key.library), token_criteria=TokenCriteria(label=key.token_label),
                                      user_pin=key.pin)
        return PKCS11Signer(session, key_label=key.key_label, cert_label=key.key_label)
    except Exception as exc:  # the token library's own errors: no token, wrong PIN, locked
        raise TuphapError(_("the signing token could not be used ({library}): {error}").format(
            library=key.library, error=f"{type(exc).__name__}: {exc}"))


def check_certificate(cert, now: dt.datetime) -> None:
    """Refuse a certificate that is not valid now or is not meant for signing documents."""
    validity = cert["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    subject = cert.subject.human_friendly
    if not start <= now <= end:
        raise TuphapError(_("the certificate of {subject} is valid from {start} to {end}, not now").format(
            subject=subject, start=start.date().isoformat(), end=end.date().isoformat()))
    uses = cert.key_usage_value.native if cert.key_usage_value else None
    if uses is not None and not SIGNING_USES & set(uses):
        raise TuphapError(_("the certificate of {subject} is not for signing (its key usage: {uses})").format(
            subject=subject, uses=", ".join(sorted(uses))))


def signature_box(pdf: bytes, signer: dict) -> tuple[int, tuple[int, int, int, int]]:
    """The page and box (PDF points) between the signer's title and name in the signature block, found
    by reading the page as a reader would; the bottom right of the last page if they cannot be found."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document) - 1, -1, -1):
            page = document[number]
            text = page.get_textpage()
            name, title = _find(text, signer.get("name", "")), _find(text, signer.get("title", "").upper())
            if name and title and title[1] > name[3]:
                centre = (name[0] + name[2]) / 2
                bottom, top = name[3] + GAP, title[1] - GAP
                if top - bottom < BOX_MIN_HEIGHT:
                    bottom = top - BOX_MIN_HEIGHT
                return number, (round(centre - BOX_WIDTH / 2), round(bottom), round(centre + BOX_WIDTH / 2), round(top))
        width = document[len(document) - 1].get_width()
        return len(document) - 1, (round(width - 60 - BOX_WIDTH), 60, round(width - 60), 60 + BOX_MIN_HEIGHT * 2)
    finally:
        document.close()


def _find(text, wanted: str) -> tuple[float, float, float, float] | None:
    """The box (left, bottom, right, top) of the last place `wanted` is written on the page."""
    if not wanted.strip():
        return None
    searcher, found = text.search(wanted, match_case=True), None
    while (occurrence := searcher.get_next()) is not None:
        found = occurrence
    if found is None:
        return None
    boxes = [text.get_charbox(index) for index in range(found[0], found[0] + found[1])]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def sign(version: Version, key: Pkcs12Key | TokenKey, *, seal: Path | None = None,
         timestamp_url: str | None = None) -> Path:
    """Sign the version's PDF into a new file beside it (report.signed.pdf); the version's own files are
    never changed. Refused when the version is signed already or the certificate cannot sign now."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    if version.signed_pdf is not None:
        raise TuphapError(_("version {name} is signed already: {file}").format(name=version.name, file=version.signed_pdf))
    signer = _signer(key)
    check_certificate(signer.signing_cert, dt.datetime.now(dt.timezone.utc))
    original = version.pdf.read_bytes()
    person = version.record.get("signer", {})
    page, box = signature_box(original, person)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        name=person.get("name") or None, location=person.get("place") or None,
        reason=_("Signing the report {version}").format(version=version.name))
    output = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="tuphap-sign-") as scratch:
        pdf_signer = signers.PdfSigner(
            metadata, signer, stamp_style=_stamp_style(seal, Path(scratch)),
            timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box))
        try:
            pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(original)), output=output,
                                appearance_text_params={"who": person.get("name", ""), "title": person.get("title", "")})
        except Exception as exc:  # pyHanko's and the timestamp server's errors, said in one line
            raise TuphapError(_("the PDF of version {name} could not be signed: {error}").format(
                name=version.name, error=f"{type(exc).__name__}: {exc}"))
    signed = output.getvalue()
    assert signed.startswith(original)  # an incremental update: what was signed is untouched
    return add_file(version, SIGNED_PDF, signed)


def _thousand_unit_font(folder: Path) -> Path:
    """The report's regular font, drawn in 1000 units to the em. pyHanko writes a glyph's width into the
    PDF in the font's own units, which a PDF reader takes as thousandths of the type size: a font of
    2048 units (Liberation, DejaVu) would print its letters twice as far apart."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    face = fonts.typeface().file("regular")
    font = TTFont(str(face.path), fontNumber=face.index)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    target = folder / "stamp-font.ttf"
    font.save(str(target))
    return target


def _stamp_style(seal: Path | None, folder: Path):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # The report's own font, which has every Vietnamese letter (pyHanko's default font has none of them).
    font = GlyphAccumulatorFactory(str(_thousand_unit_font(folder)), font_size=STAMP_FONT_SIZE)
    background = None
    if seal is not None:
        from pyhanko.pdf_utils.images import PdfImage

        try:
            background = PdfImage(str(seal))
        except Exception as exc:
            raise TuphapError(_("the seal image {file} cannot be used: {error}").format(file=seal, error=exc))
    return TextStampStyle(
        stamp_text=_("Digitally signed by: %(who)s\n%(title)s\nTime: %(ts)s"), timestamp_format="%d/%m/%Y %H:%M:%S %z",
        # The same size for the box as for the font engine: pyHanko places each line by the one and draws
        # it by the other, so different sizes spread the letters and push every line sideways.
        text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE), border_width=1, background=background,
        background_opacity=0.5 if background is not None else 1.0)
