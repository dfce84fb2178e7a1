"""The permit PDF carries a PAdES signature that pyHanko validates, and any later change breaks it."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.permits.support import issue_and_commit, stored_pdf


def _trust(pem_bytes: bytes) -> ValidationContext:
    _, _, der = pem.unarmor(pem_bytes)
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])


def _dev_ca(app) -> ValidationContext:
    from app.permits import signing

    with app.app_context():
        return _trust(signing.dev_ca_certificate())


def _status(data: bytes, vc: ValidationContext):
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    # pyHanko's validator calls asyncio.run, which refuses to run where an event loop is already
    # running (the browser tests' Playwright session keeps one in the main thread): use a thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, reader.embedded_signatures[0], vc).result()


@pytest.fixture
def signed(app):
    permit = issue_and_commit(app)
    return stored_pdf(app, permit["storage_key"])


def test_issued_permit_signature_is_valid_pades_trusted_through_the_dev_ca(app, signed):
    status = _status(signed, _dev_ca(app))
    assert status.bottom_line
    assert status.intact and status.valid and status.trusted and status.docmdp_ok
    reader = PdfFileReader(io.BytesIO(signed))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_signature_is_not_trusted_without_the_issuing_ca(app, signed):
    status = _status(signed, ValidationContext(trust_roots=[]))
    assert status.intact and status.valid
    assert not status.trusted and not status.bottom_line


def test_flipping_one_byte_invalidates_the_signature(app, signed):
    tampered = bytearray(signed)
    start = signed.index(b"stream", signed.index(b"/Contents")) + len(b"stream\n") + 20
    tampered[start] ^= 0x01
    status = _status(bytes(tampered), _dev_ca(app))
    assert not status.intact
    assert not status.bottom_line


def test_an_incremental_update_changing_the_content_is_detected(app, signed):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    overlay = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 28 Tf 90 420 Td (DIUBAH) Tj ET"))
    contents = page.raw_get("/Contents")
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*existing, overlay])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    status = _status(out.getvalue(), _dev_ca(app))
    assert status.intact and status.valid  # the signed revision itself is untouched ...
    assert not status.docmdp_ok and not status.bottom_line  # ... but the change after it is flagged


def test_the_office_certificate_from_settings_signs_instead_of_the_dev_ca(app, tmp_path):
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kepala DPMPTSP (sertifikat kantor)")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    p12 = tmp_path / "kantor.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"kantor", key, cert, None, serialization.BestAvailableEncryption(b"rahasia")))
    app.config.update(SIGNING_P12_PATH=str(p12), SIGNING_P12_PASSWORD="rahasia")

    permit = issue_and_commit(app)
    status = _status(stored_pdf(app, permit["storage_key"]),
                     _trust(cert.public_bytes(serialization.Encoding.PEM)))
    assert status.bottom_line
    assert "sertifikat kantor" in status.signing_cert.subject.human_friendly


def test_a_wrong_certificate_password_stops_issuance_with_503_and_writes_nothing(client, app, tmp_path):
    from app.permits import signing

    with app.app_context():
        app.config.update(SIGNING_P12_PATH=str(signing.dev_dir() / signing.DEV_SIGNER_P12),
                          SIGNING_P12_PASSWORD="salah")
    from tests.permits.support import issue_through_api

    with pytest.raises(AssertionError) as failed:
        issue_through_api(client)
    assert "signing_unavailable" in str(failed.value)
    with app.app_context():
        from sqlalchemy import func, select

        from app.extensions import db
        from app.permits.models import Permit

        assert db.session.scalar(select(func.count()).select_from(Permit)) == 0
    uploads = list((tmp_path / "uploads").rglob("*"))
    assert all(not p.is_file() or p.stat().st_size < 1000 for p in uploads)  # only the small test uploads remain


def test_dev_certificate_command_creates_once_and_then_reports_it_exists(app, tmp_path):
    app.config["SIGNING_DEV_DIR"] = str(tmp_path / "signing")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["dev-certificate"])
    assert first.exit_code == 0, first.output
    assert "dibuat" in first.output
    ca = (tmp_path / "signing" / "dev-ca.pem").read_bytes()
    second = runner.invoke(args=["dev-certificate"])
    assert second.exit_code == 0 and "sudah ada" in second.output
    assert (tmp_path / "signing" / "dev-ca.pem").read_bytes() == ca


def test_a_production_app_without_any_certificate_refuses_to_sign(office_ctx, tmp_path):
    from app.permits import signing

    office_ctx.config["SIGNING_DEV_DIR"] = str(tmp_path / "none")
    office_ctx.testing = False
    with pytest.raises(signing.SigningUnavailable):
        signing.sign_pdf(b"%PDF-1.4", reason="uji", location="uji")
    assert not (tmp_path / "none").exists()  # no development CA is made behind the operator's back


def test_signing_also_works_where_an_event_loop_is_already_running(office_ctx):
    import asyncio
    import contextvars

    from app.permits import signing
    from app.permits.layout import Office, build_pdf, paragraph, styles

    unsigned = build_pdf([paragraph("uji", styles()["body"])], office=Office.from_config(), title="uji", subject="uji")

    async def sign_from_a_coroutine() -> bytes:
        return signing.sign_pdf(unsigned, reason="uji", location="uji")[0]

    # A thread of its own (with the app context copied in): the main thread may hold Playwright's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(contextvars.copy_context().run, asyncio.run, sign_from_a_coroutine()).result()
    with office_ctx.app_context():
        assert _status(signed, _trust(signing.dev_ca_certificate())).bottom_line
