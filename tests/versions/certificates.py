"""A throwaway certificate authority made in the test: a root, and a signer's PKCS#12 key it issued."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "mật-khẩu-thử"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, sign_documents: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign_documents, content_commitment=sign_documents, key_encipherment=not sign_documents
                         and not ca, data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def make_authority(folder: Path, *, signer: str = "Nguyễn Văn Thử", valid_days: int = 365, expired: bool = False,
                   signing: bool = True) -> tuple[Path, Path]:
    """The root certificate (PEM) and the signer's key and certificate (PKCS#12, PASSWORD)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name("CA thử nghiệm")).issuer_name(_name("CA thử nghiệm"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(sign_documents=False, ca=True), critical=True)
            .sign(root_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    start = now - dt.timedelta(days=valid_days + 10) if expired else now - dt.timedelta(hours=1)
    certificate = (x509.CertificateBuilder().subject_name(_name(signer)).issuer_name(root.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(start + dt.timedelta(days=valid_days))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(_usage(sign_documents=signing, ca=False), critical=True)
                   .sign(root_key, hashes.SHA256()))
    root_file, key_file = folder / "root.pem", folder / "signer.p12"
    root_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, certificate, [root], serialization.BestAvailableEncryption(PASSWORD.encode("utf-8"))))
    return root_file, key_file
