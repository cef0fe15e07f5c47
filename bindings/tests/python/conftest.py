"""Fixtures for the Python journeys over the generated bindings.

scripts/bindings-check.sh generates `mycity_ffi.py` next to the built
`libmycity_ffi.so` in $MYCITY_FFI_DIR and points $MYCITY_SERVER_BIN at the
reference server binary, which each test that needs a city server starts on
loopback with a fresh database.
"""

import json
import os
import struct
import subprocess
import sys
import urllib.request
import zlib

import pytest

sys.path.insert(0, os.environ["MYCITY_FFI_DIR"])


@pytest.fixture
def server():
    """The reference server on 127.0.0.1 (a free port), seeded, in-memory."""
    proc = subprocess.Popen(
        [os.environ["MYCITY_SERVER_BIN"], "--addr", "127.0.0.1:0", "--db", ":memory:", "--seed"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "listening on " in line, f"server did not start: {line!r}"
        yield line.split("listening on ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def core(tmp_path):
    """A core with no server, on a fresh data directory."""
    import mycity_ffi

    return mycity_ffi.MyCity.open(str(tmp_path / "data"), None)


def staff_update(base, server_id, status, description):
    """What the city's staff do in their back office: a new status with a comment."""
    req = urllib.request.Request(
        f"{base}/admin/requests/{server_id}/updates",
        data=json.dumps({"status": status, "description": description}).encode(),
        headers={"Content-Type": "application/json", "X-Admin-Key": "demo-admin"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 201), r.status


def png(width=64, height=48):
    """A small RGB PNG made here, as a camera roll would hand one over."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 128)) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def admin(base, method, path, body=None, content_type="application/json"):
    """A staff call to the reference server's back office; returns the decoded JSON answer."""
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{base}{path}",
        data=data,
        headers={"Content-Type": content_type, "X-Admin-Key": "demo-admin"},
        method=method,
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 201), r.status
        return json.loads(r.read() or b"null")
