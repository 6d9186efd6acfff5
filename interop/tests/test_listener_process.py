"""The listener as the engineer runs it (`manage.py mllp_listener` in its own process): over
TLS with `--tls-cert/--tls-key`, and the kill-mid-stream drill (SIGKILL while messages
stream; the sender resends what was not acknowledged; nothing lost or doubled)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone
from hl7.mllp import open_hl7_connection

from episodes.models import Episode
from interop.hl7.client import run_sync
from interop.hl7.drill import ListenerProcess, check, run_drill
from interop.management.commands.mllp_bench import BENCH_WARD_HSA_ID
from interop.management.commands.mllp_drill import drill_messages, ensure_ward
from interop.models import AdtMessage
from interop.tests.adt import WARD_HSA_ID, adt, msa, ts
from interop.tests.external import shared_database

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ward(org):
    org.ward.hsa_id = WARD_HSA_ID
    org.ward.save()
    return org.ward


def throwaway_certificate(folder) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1, valid for a day: (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mllp.samsyn.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "mllp.crt", folder / "mllp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


async def _exchange(port: int, message: str, tls: ssl.SSLContext | None) -> str:
    reader, writer = await open_hl7_connection("127.0.0.1", port, ssl=tls)
    try:
        writer.writeblock(message.encode("utf-8"))
        await writer.drain()
        block = await asyncio.wait_for(reader.readblock(), 30)
        return block.decode("utf-8")
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, ssl.SSLError):
            pass


def test_over_tls_a_message_is_answered_and_a_plain_client_is_refused(ward, tmp_path):
    cert, key = throwaway_certificate(tmp_path)
    client_tls = ssl.create_default_context(cafile=cert)
    admitted = ts(timezone.now() - dt.timedelta(hours=3))
    with shared_database(tmp_path) as env:
        with ListenerProcess(env, "--tls-cert", cert, "--tls-key", key) as listener:
            ack = run_sync(
                _exchange(listener.port, adt("A01", "TLS-1", admitted=admitted), client_tls)
            )
            with pytest.raises((asyncio.IncompleteReadError, ConnectionError)):
                run_sync(_exchange(listener.port, adt("A01", "PLAIN-1", visit="V2"), None))

    assert msa(ack) == ["AA", "TLS-1", "OK"]
    assert Episode.objects.get().ward == ward
    assert list(AdtMessage.objects.values_list("control_id", flat=True)) == ["TLS-1"]


def test_killed_mid_stream_and_restarted_every_message_is_recorded_once(tmp_path):
    ensure_ward(BENCH_WARD_HSA_ID)
    messages, controls, people = drill_messages(24, BENCH_WARD_HSA_ID)
    with shared_database(tmp_path) as env:
        report = run_drill(messages, kill_at=[5, 12, 19], env=env)

    assert report.kills == 3 and report.resent == 3
    assert [msa(ack)[0] for ack in report.acks] == ["AA"] * 24
    assert check(controls, people) == []
    assert AdtMessage.objects.count() == 24
    assert Episode.objects.count() == 12
