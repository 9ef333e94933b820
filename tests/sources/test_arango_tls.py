"""HTTPS sources against a loopback server with a self-signed certificate made by the test.

python-arango turns a failed TLS handshake into the same bare `ConnectionAbortedError` as a
refused connection; the source must still say that the certificate was not trusted, and how
to trust it (`ARANGO_VERIFY=/path/ca.pem`) or stop checking it (`ARANGO_VERIFY=false`).
"""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import subprocess
from pathlib import Path

import pytest
from arango_replay import FakeArangoServer

from gaai_graph.errors import SourceError
from gaai_graph.sources.arango import load_arango
from gaai_graph.sources.demo import load_bundled_demo

SECRET = "tls-s3cret"


def _self_signed(directory: Path) -> tuple[str, str]:
    """(certificate file, key file) for CN/SAN 127.0.0.1, valid for a day."""
    cert, key = directory / "server.pem", directory / "server.key"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl command is available")
        command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"]
        command += ["ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        command += ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key)]
        subprocess.run([*command, "-out", str(cert)], check=True, capture_output=True)
        return str(cert), str(key)
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert), str(key)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return _self_signed(tmp_path_factory.mktemp("tls"))


def _https_server(certificate: tuple[str, str]) -> FakeArangoServer:
    server = FakeArangoServer(load_bundled_demo(), "shop")
    server.use_tls(*certificate)
    return server


def test_an_untrusted_certificate_is_named_with_the_settings_that_fix_it(
    certificate: tuple[str, str],
) -> None:
    with _https_server(certificate) as server, pytest.raises(SourceError) as raised:
        load_arango(server.source("shop", password=SECRET), environ={}, retry_attempts=0)
    message = str(raised.value)
    assert "TLS certificate verification failed" in message
    assert "self-signed certificate" in message
    assert "ARANGO_VERIFY=/path/to/ca.pem" in message and "ARANGO_VERIFY=false" in message
    assert "connection refused" not in message
    assert SECRET not in message and "\n" not in message
    assert server.requests == [], "no request got past the handshake"


@pytest.fixture
def system_bundle_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REQUESTS_CA_BUNDLE set, as many images do: it must not override ARANGO_VERIFY."""
    import requests.certs

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())
    monkeypatch.setenv("CURL_CA_BUNDLE", requests.certs.where())


@pytest.mark.usefixtures("system_bundle_in_environment")
def test_arango_verify_naming_the_ca_bundle_trusts_the_server(
    certificate: tuple[str, str],
) -> None:
    with _https_server(certificate) as server:
        data = load_arango(
            server.source("shop", password=SECRET),
            environ={"ARANGO_VERIFY": certificate[0]},
            retry_attempts=0,
        )
        assert data.source.startswith("arangodbs://root@127.0.0.1:")
        assert "customers" in data.collections
        assert len(data.collections["customers"].documents) > 0
    assert server.unexpected == []


@pytest.mark.usefixtures("system_bundle_in_environment")
def test_arango_verify_false_skips_verification(certificate: tuple[str, str]) -> None:
    with _https_server(certificate) as server, pytest.warns(Warning, match="Unverified HTTPS"):
        data = load_arango(
            server.source("shop"), environ={"ARANGO_VERIFY": "false"}, retry_attempts=0
        )
        assert "customers" in data.collections


def test_https_to_a_plain_http_server_is_a_tls_handshake_error_not_a_refusal() -> None:
    with FakeArangoServer(None, "shop") as server, pytest.raises(SourceError) as raised:
        https = server.source("shop").replace("arangodb://", "arangodbs://")
        load_arango(https, environ={}, retry_attempts=0, timeout=5)
    message = str(raised.value)
    assert "TLS handshake failed" in message and "arangodb://" in message
    assert "connection refused" not in message


def test_the_cli_reports_an_untrusted_certificate_in_one_line(
    certificate: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gaai_graph.cli import main

    with _https_server(certificate) as server:
        url = server.source("shop", password=SECRET)
        code = main(["run", "--source", url, "--text", "Find hubs.", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("gaai: error: ArangoDB at arangodbs://root@127.0.0.1:")
    assert "TLS certificate verification failed" in err[-1] and "ARANGO_VERIFY" in err[-1]
    assert all(SECRET not in line for line in err)
