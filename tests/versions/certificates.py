"""Throwaway certificate authorities made in the tests: a signer's PKCS#12 key, a SoftHSM token holding a key
made on it, and a timestamp authority, each issued by a root of its own."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mật-khẩu-thử"
SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN_PIN = "123456"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, sign_documents: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign_documents, content_commitment=sign_documents, key_encipherment=not sign_documents
                         and not ca, data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


class Authority:
    """A root certificate and its key, which issues certificates and writes itself as PEM."""

    def __init__(self, name: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.timezone.utc)
        self.certificate = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                            .add_extension(_usage(sign_documents=False, ca=True), critical=True)
                            .sign(self.key, hashes.SHA256()))

    def issue(self, subject: str, public_key, *, start: dt.datetime | None = None, days: int = 365,
              usage: x509.ExtensionType | None = None) -> x509.Certificate:
        """A certificate for `public_key`, valid `days` from `start` (an hour ago), for signing documents
        unless another `usage` is given."""
        start = start or dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(self.certificate.subject)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(usage or _usage(sign_documents=True, ca=False), critical=True)
                .sign(self.key, hashes.SHA256()))

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path


def make_authority(folder: Path, *, signer: str = "Nguyễn Văn Thử", valid_days: int = 365, expired: bool = False,
                   signing: bool = True) -> tuple[Path, Path]:
    """The root certificate (PEM) and the signer's key and certificate (PKCS#12, PASSWORD)."""
    authority, key = Authority("CA thử nghiệm"), ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=valid_days + 10) if expired else None
    certificate = authority.issue(signer, key.public_key(), start=start, days=valid_days,
                                  usage=None if signing else _usage(sign_documents=False, ca=False))
    root_file, key_file = authority.write(folder / "root.pem"), folder / "signer.p12"
    key_file.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, certificate, [authority.certificate], serialization.BestAvailableEncryption(PASSWORD.encode("utf-8"))))
    return root_file, key_file


def make_token(folder: Path, label: str = "tuphap-thu", signer: str = "Nguyễn Văn Token") -> tuple[dict, Path]:
    """A SoftHSM token (the software stand-in for a USB signing token) holding a key made on it and a
    certificate for that key from a throwaway authority. Returns the environment that finds the token and
    the authority's root certificate (PEM)."""
    import pkcs11
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n", encoding="utf-8")
    environment = {"SOFTHSM2_CONF": str(config)}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", TOKEN_PIN, "--so-pin", "654321"],
                   check=True, capture_output=True, env={**environment, "PATH": "/usr/bin:/bin"})
    authority = Authority("CA token thử")
    os.environ["SOFTHSM2_CONF"] = str(config)  # the library reads it when loaded, in this process
    try:
        token = pkcs11.lib(str(SOFTHSM)).get_token(token_label=label)
        with token.open(rw=True, user_pin=TOKEN_PIN) as session:
            # RSA, as the signing tokens of Vietnam's certificate authorities hold
            public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, label="chu-ky")
            public_key = RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                          int.from_bytes(public[Attribute.MODULUS], "big")).public_key()
            certificate = authority.issue(signer, public_key)
            session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                                   Attribute.TOKEN: True, Attribute.LABEL: "chu-ky",
                                   Attribute.SUBJECT: certificate.subject.public_bytes(),
                                   Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER)})
    finally:
        del os.environ["SOFTHSM2_CONF"]
    return environment, authority.write(folder / "token-root.pem")


def make_timestamp_authority(folder: Path):
    """A timestamp authority's root (PEM file) and a pyHanko timestamper that signs as that authority,
    to answer RFC 3161 requests in a test (DummyTimeStamper: pyHanko's own stand-in for a TSA)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    authority = Authority("TSA gốc thử")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's stand-in TSA signs with RSA only
    certificate = authority.issue("Máy chủ dấu thời gian thử", key.public_key(),
                                  usage=x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption())))
    return authority.write(folder / "tsa-root.pem"), stamper
