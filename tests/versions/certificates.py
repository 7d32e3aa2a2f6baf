"""A throwaway certificate authority made in the test: a root, and a signer's PKCS#12 key it issued."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
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


SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN_PIN = "123456"


def make_token(folder: Path, label: str = "tuphap-thu", signer: str = "Nguyễn Văn Token") -> tuple[dict, Path]:
    """A SoftHSM token (the software stand-in for a USB signing token) holding a key made on it and a
    certificate for that key from a throwaway authority. Returns the environment that finds the token and
    the authority's root certificate (PEM)."""
    import subprocess

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
    import os

    os.environ["SOFTHSM2_CONF"] = str(config)  # the library reads it when loaded, in this process
    try:
        token = pkcs11.lib(str(SOFTHSM)).get_token(token_label=label)
        with token.open(rw=True, user_pin=TOKEN_PIN) as session:
            # RSA, as the signing tokens of Vietnam's certificate authorities hold
            public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, label="chu-ky")
            public_key = RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                          int.from_bytes(public[Attribute.MODULUS], "big")).public_key()
            root_key = ec.generate_private_key(ec.SECP256R1())
            now = dt.datetime.now(dt.timezone.utc)
            root = (x509.CertificateBuilder().subject_name(_name("CA token thử")).issuer_name(_name("CA token thử"))
                    .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .add_extension(_usage(sign_documents=False, ca=True), critical=True)
                    .sign(root_key, hashes.SHA256()))
            certificate = (x509.CertificateBuilder().subject_name(_name(signer)).issuer_name(root.subject)
                           .public_key(public_key)
                           .serial_number(x509.random_serial_number())
                           .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=365))
                           .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                           .add_extension(_usage(sign_documents=True, ca=False), critical=True)
                           .sign(root_key, hashes.SHA256()))
            session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                                   Attribute.TOKEN: True, Attribute.LABEL: "chu-ky",
                                   Attribute.SUBJECT: certificate.subject.public_bytes(),
                                   Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER)})
    finally:
        del os.environ["SOFTHSM2_CONF"]
    root_file = folder / "token-root.pem"
    root_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return environment, root_file


def make_timestamp_authority(folder: Path):
    """A timestamp authority's root (PEM file) and a pyHanko timestamper that signs as that authority,
    to answer RFC 3161 requests in a test (DummyTimeStamper: pyHanko's own stand-in for a TSA)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.x509.oid import ExtendedKeyUsageOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name("TSA gốc thử")).issuer_name(_name("TSA gốc thử"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(sign_documents=False, ca=True), critical=True)
            .sign(root_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's stand-in TSA signs with RSA only
    certificate = (x509.CertificateBuilder().subject_name(_name("Máy chủ dấu thời gian thử")).issuer_name(root.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                   .sign(root_key, hashes.SHA256()))
    root_file = folder / "tsa-root.pem"
    root_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                                 serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption())))
    return root_file, stamper
