"""Checking a signed PDF's signatures with pyHanko: who signed and when, whether the signed bytes are
intact and cover the whole file, and whether the signer's certificate chains to a trust root given."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tuphap.errors import TuphapError
from tuphap.i18n import _


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    signed_at: dt.datetime | None
    intact: bool  # the signed bytes are those hashed and the signature over them is valid
    whole_file: bool  # nothing was added after the signature, or only what a later signature adds
    trusted: bool | None  # None: no trust root was given, so the chain was not checked
    timestamped: bool
    problem: str = ""

    @property
    def good(self) -> bool:
        return self.intact and self.whole_file and self.trusted is not False


def _load_roots(files: list[Path]):
    from asn1crypto import pem, x509

    roots = []
    for file in files:
        try:
            data = file.read_bytes()
            if pem.detect(data):
                data = pem.unarmor(data)[2]
            roots.append(x509.Certificate.load(data))
            roots[-1].native  # parse now: a broken file is said here, not deep inside validation
        except (OSError, ValueError) as exc:
            raise TuphapError(_("{file} is not a certificate (PEM or DER): {error}").format(file=file, error=exc))
    return roots


def verify(pdf: Path, trust_roots: list[Path] = ()) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = _load_roots(list(trust_roots))
    try:
        with pdf.open("rb") as stream:
            reader = PdfFileReader(stream, strict=False)
            checks = []
            for signature in reader.embedded_signatures:
                context = ValidationContext(trust_roots=roots, allow_fetching=False) if roots else None
                try:
                    status = validate_pdf_signature(signature, context)
                except Exception as exc:  # a signature too damaged to check is one that does not hold
                    checks.append(SignatureCheck(field=signature.field_name, signer="?", signed_at=None, intact=False,
                                                 whole_file=False, trusted=False if roots else None, timestamped=False,
                                                 problem=f"{type(exc).__name__}: {exc}"))
                    continue
                checks.append(SignatureCheck(
                    field=signature.field_name, signer=status.signing_cert.subject.human_friendly,
                    signed_at=status.signer_reported_dt, intact=status.intact and status.valid,
                    whole_file=_covers_the_file(status),
                    trusted=status.trusted if roots else None, timestamped=status.timestamp_validity is not None,
                    problem=str(status.trust_problem_indic.name) if roots and status.trust_problem_indic else ""))
            return checks
    except OSError as exc:
        raise TuphapError(_("{file} cannot be read: {error}").format(file=pdf, error=exc.strerror))
    except PdfReadError as exc:
        raise TuphapError(_("{file} is not a readable PDF: {error}").format(file=pdf, error=exc))


def _covers_the_file(status) -> bool:
    """The signature covers the whole file, or what follows it is only a later signature (form filling)."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.modification_level in (
        ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING) and status.docmdp_ok is not False
