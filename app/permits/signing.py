"""Electronic signature (TTE) of permits: PAdES with the office's PKCS#12 certificate, or a development CA.

The office's certificate is SIGNING_P12_PATH / SIGNING_P12_PASSWORD. Without one, development and
test setups use a local CA and signer kept in SIGNING_DEV_DIR (default <instance>/signing), made by
`flask --app wsgi dev-certificate`. Documents signed with it are trusted by nobody but this install.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import os
import secrets
import shutil
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from flask_babel import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from app.common.errors import AppError
from app.common.i18n import N_

DEV_CA_CERT = "dev-ca.pem"
DEV_CA_KEY = "dev-ca.key.pem"
DEV_SIGNER_P12 = "dev-signer.p12"
DEV_SIGNER_PASSWORD = "dev-signer.password"
SIGNATURE_FIELD = "TTE"
RENEW_BEFORE = timedelta(days=30)
T = TypeVar("T")


class SigningUnavailable(AppError):
    """No usable signing certificate: the permit cannot be issued until one is configured."""

    status, code, default_message = 503, "signing_unavailable", N_(
        "Sertifikat tanda tangan elektronik belum tersedia. Hubungi administrator.")


@dataclass
class LoadedSigner:
    """A signer ready to use, with the SHA-256 fingerprint of its certificate."""

    signer: signers.SimpleSigner
    cert_sha256: str
    subject: str
    # Bytes to reserve in the PDF for the CMS container: pyHanko finds it by signing a dummy first, and it
    # depends only on the certificate chain and the fixed attributes, so it is found once per signer.
    bytes_reserved: int | None = field(default=None, compare=False)


class _KeyKeepingSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses its private key for every signature (for RSA with a key check
    of ~30 ms per signature, the size estimate's dummy included); this one parses it once."""

    _parsed_key = None

    @classmethod
    def of(cls, loaded: signers.SimpleSigner) -> _KeyKeepingSigner:
        """The same signer (certificate, key, chain, mechanism), keeping its parsed key."""
        return cls(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                   cert_registry=loaded.cert_registry, signature_mechanism=loaded.signature_mechanism)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the parsed key (RSA PKCS#1 v1.5 and ECDSA; other mechanisms as pyHanko does)."""
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:
            return super().sign_raw(data, digest_algorithm)
        if self._parsed_key is None:
            self._parsed_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        key, digest = self._parsed_key, get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


_cache: dict[tuple, LoadedSigner] = {}
_lock = threading.Lock()


def dev_dir() -> Path:
    """Where the development CA and signer live."""
    configured = current_app.config.get("SIGNING_DEV_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "signing"


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signer, content_commitment=signer, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signer,
                         crl_sign=not signer, encipher_only=False, decipher_only=False)


def _write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    os.chmod(path, 0o600)


def _issue_signer(directory: Path, ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, *, organization: str,
                  signer_name: str) -> None:
    now = datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(f"{signer_name} (PENGEMBANGAN)", organization))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signer=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    password = secrets.token_urlsafe(24)
    bundle = pkcs12.serialize_key_and_certificates(b"satupintu-dev-signer", key, cert, [ca_cert],
                                                   serialization.BestAvailableEncryption(password.encode()))
    tmp = directory / f".{DEV_SIGNER_P12}.{secrets.token_hex(4)}"
    _write_private(tmp, bundle)
    _write_private(directory / DEV_SIGNER_PASSWORD, password.encode())
    os.replace(tmp, directory / DEV_SIGNER_P12)


def ensure_dev_certificate(*, organization: str, signer_name: str) -> tuple[Path, str]:
    """Create the development CA and signer if missing, renew an expiring signer: (directory, what was done)."""
    directory = dev_dir()
    if (directory / DEV_SIGNER_P12).is_file():
        cert = _dev_signer_certificate(directory)
        if cert.not_valid_after_utc - RENEW_BEFORE > datetime.now(UTC):
            return directory, "exists"
        ca_cert = x509.load_pem_x509_certificate((directory / DEV_CA_CERT).read_bytes())
        ca_key = serialization.load_pem_private_key((directory / DEV_CA_KEY).read_bytes(), password=None)
        _issue_signer(directory, ca_cert, ca_key, organization=organization, signer_name=signer_name)
        return directory, "renewed"
    # Build in a private folder and rename it into place: concurrent callers never see half a CA.
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}-{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    try:
        now = datetime.now(UTC)
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca_name = _name("SatuPintu Development CA (BUKAN UNTUK PRODUKSI)", organization)
        ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
                   .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(_key_usage(signer=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
                   .sign(ca_key, hashes.SHA256()))
        (staging / DEV_CA_CERT).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        _write_private(staging / DEV_CA_KEY, ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        _issue_signer(staging, ca_cert, ca_key, organization=organization, signer_name=signer_name)
        try:
            os.rename(staging, directory)
        except OSError as exc:
            if not (directory / DEV_SIGNER_P12).is_file():
                raise RuntimeError(f"{directory} exists but holds no {DEV_SIGNER_P12}; remove it and retry") from exc
            return directory, "exists"  # another process won the race
        return directory, "created"
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _dev_signer_certificate(directory: Path) -> x509.Certificate:
    password = (directory / DEV_SIGNER_PASSWORD).read_bytes()
    _, cert, _ = pkcs12.load_key_and_certificates((directory / DEV_SIGNER_P12).read_bytes(), password)
    return cert


def dev_ca_certificate() -> bytes | None:
    """The development CA certificate (PEM), to trust in a validator; None when there is none."""
    path = dev_dir() / DEV_CA_CERT
    return path.read_bytes() if path.is_file() else None


def _source() -> tuple[Path, bytes]:
    """The PKCS#12 file and its password: the configured certificate, else the development one."""
    cfg = current_app.config
    if cfg.get("SIGNING_P12_PATH"):
        path = Path(cfg["SIGNING_P12_PATH"])
        if not path.is_file():
            raise SigningUnavailable(_("Berkas sertifikat %(path)s tidak ditemukan.", path=path))
        return path, (cfg.get("SIGNING_P12_PASSWORD") or "").encode()
    directory = dev_dir()
    if not (directory / DEV_SIGNER_P12).is_file():
        if not (current_app.testing or current_app.debug):
            raise SigningUnavailable(_(SigningUnavailable.default_message))
        ensure_dev_certificate(organization=cfg["OFFICE_NAME"],
                               signer_name=cfg.get("OFFICE_HEAD_NAME") or "Kepala Dinas")
    return directory / DEV_SIGNER_P12, (directory / DEV_SIGNER_PASSWORD).read_bytes().strip()


def current_signer() -> LoadedSigner:
    """The signer of new permits, loaded once per certificate file (reloaded when the file changes)."""
    path, password = _source()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, hashlib.sha256(password).hexdigest())
    with _lock:
        loaded = _cache.get(key)
        if loaded is not None:
            return loaded
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=[],
                                                           passphrase=password or None)
        except ValueError as exc:
            raise SigningUnavailable(_("Sertifikat tanda tangan elektronik tidak dapat dibuka "
                                       "(periksa SIGNING_P12_PASSWORD).")) from exc
        signer = _KeyKeepingSigner.of(signer)
        cert = signer.signing_cert
        loaded = LoadedSigner(signer=signer, cert_sha256=hashlib.sha256(cert.dump()).hexdigest(),
                              subject=cert.subject.human_friendly)
        _cache.clear()
        _cache[key] = loaded
        return loaded


def sign_pdf(pdf: bytes, *, reason: str, location: str, signer_name: str | None = None) -> tuple[bytes, str]:
    """Sign a PDF (PAdES, certifying: no later change allowed); returns (signed bytes, certificate SHA-256)."""
    loaded = current_signer()
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason,
        location=location, name=signer_name or None, certify=True, docmdp_permissions=MDPPerm.NO_CHANGES)
    if loaded.bytes_reserved is None:
        loaded.bytes_reserved = _run_coroutine(_estimate_container_size(pdf, meta, loaded.signer))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = _run_coroutine(signers.PdfSigner(meta, signer=loaded.signer).async_sign_pdf(
        writer, bytes_reserved=loaded.bytes_reserved))
    return out.getvalue(), loaded.cert_sha256


async def _estimate_container_size(pdf: bytes, meta: signers.PdfSignatureMetadata, signer) -> int:
    """pyHanko's own estimate (a dummy signature, with its 50 % margin), made on a copy of the document."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    session = signers.PdfSigner(meta, signer=signer).init_signing_session(writer)
    validation_info = await session.perform_presign_validation(writer)
    return await session.estimate_signature_container_size(validation_info)


def _run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's async signing to completion, also from a thread whose event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # asyncio.run refuses to nest (e.g. under an async server): use a short-lived thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
