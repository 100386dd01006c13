"""Bounded HTTP(S) reads from cameras: JPEG snapshots and MJPEG streams, only ever in the video worker.

Every read connects to an address the source policy has just checked (the host is resolved and checked
again at each fetch, since DNS answers change), follows no redirect, stops at one total deadline however
slowly the camera drips its bytes, and refuses a picture above the size cap.
"""

from __future__ import annotations

import base64
import http.client
import io
import socket
import ssl
import time
from urllib.parse import unquote

from .sources import SNAPSHOT_SCHEMES, SourcePolicy, UrlTarget

__all__ = ["FetchError", "MjpegStream", "fetch_snapshot"]

LINE_LIMIT = 8192
MAX_PART_HEADERS = 64


class FetchError(OSError):
    """A camera answered wrongly, too slowly or too much."""


class Deadline:
    """One instant by which a whole fetch (or one stream frame) must be done."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Return the seconds left, or raise TimeoutError when none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("the camera did not answer within the deadline")
        return left


class _DeadlineReader(io.RawIOBase):
    """Socket reads, each allowed only the time left before the deadline (a drip cannot stretch it)."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.sock.settimeout(self.deadline.remaining())
        return self.sock.recv_into(buffer)


class _DeadlineSocket:
    """What http.client.HTTPResponse needs of its socket: a file whose reads keep the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self.reader = _DeadlineReader(sock, deadline)

    def makefile(self, *_: object, **__: object) -> io.BufferedReader:
        return io.BufferedReader(self.reader)


def _connect(target: UrlTarget, policy: SourcePolicy, deadline: Deadline) -> socket.socket:
    """Connect to the first checked address that answers (never to a name resolved anew)."""
    last: OSError = FetchError("no address")
    for address in target.addresses:
        sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(policy.connect_timeout_s, deadline.remaining()))
            sock.connect((address, target.port))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        if target.scheme != "https":
            return sock
        try:
            sock.settimeout(deadline.remaining())  # the handshake as a whole is bounded by it
            return ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
        except OSError:
            sock.close()
            raise
    raise last


def _request(target: UrlTarget, accept: str) -> bytes:
    lines = [f"GET {target.path} HTTP/1.1", f"Host: {target.host_header}", "User-Agent: OneWindow-video",
             f"Accept: {accept}", "Connection: close"]
    if target.username is not None:
        pair = f"{unquote(target.username)}:{unquote(target.password or '')}".encode()
        lines.append("Authorization: Basic " + base64.b64encode(pair).decode("ascii"))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _open(url: str, schemes: tuple[str, ...], policy: SourcePolicy, deadline: Deadline,
          accept: str) -> tuple[socket.socket, http.client.HTTPResponse]:
    """Check the URL now, connect, send the request and read the status line and headers."""
    target = policy.check_url(url, schemes, min(policy.resolve_timeout_s, deadline.remaining()))
    sock = _connect(target, policy, deadline)
    try:
        sock.settimeout(deadline.remaining())
        sock.sendall(_request(target, accept))
        response = http.client.HTTPResponse(_DeadlineSocket(sock, deadline), method="GET")  # type: ignore[arg-type]
        response.begin()
    except BaseException:
        sock.close()
        raise
    if response.status != 200:  # a redirect is not followed: it could point anywhere
        response.close()
        sock.close()
        raise FetchError(f"the camera answered HTTP {response.status}")
    return sock, response


def _declared_length(response: http.client.HTTPResponse, cap: int) -> int | None:
    raw = response.getheader("Content-Length")
    if raw is None:
        return None
    try:
        length = int(raw)
    except ValueError:
        raise FetchError("a malformed Content-Length") from None
    if length < 0 or length > cap:
        raise FetchError(f"the picture is larger than {cap} bytes")
    return length


def fetch_snapshot(url: str, policy: SourcePolicy) -> bytes:
    """Fetch one snapshot: the URL checked now, one total deadline, at most max_bytes, no redirects.

    Raises FetchError/OSError (including TimeoutError), http.client.HTTPException or SourceRefused.
    """
    deadline = Deadline(policy.fetch_timeout_s)
    sock, response = _open(url, SNAPSHOT_SCHEMES, policy, deadline, "image/jpeg, image/png, image/*")
    try:
        length = _declared_length(response, policy.max_bytes)
        data = response.read(policy.max_bytes + 1)
        if len(data) > policy.max_bytes:
            raise FetchError(f"the picture is larger than {policy.max_bytes} bytes")
        if length is not None and len(data) != length:
            raise FetchError("the picture was cut short")
        return data
    finally:
        response.close()
        sock.close()


class MjpegStream:
    """An HTTP multipart/x-mixed-replace stream of JPEG pictures, read one bounded picture at a time."""

    def __init__(self, url: str, schemes: tuple[str, ...], policy: SourcePolicy) -> None:
        self.policy = policy
        self.deadline = Deadline(policy.fetch_timeout_s)
        self.sock, self.response = _open(url, schemes, policy, self.deadline, "multipart/x-mixed-replace")
        try:
            boundary = self.response.headers.get_param("boundary")
            if self.response.headers.get_content_type() != "multipart/x-mixed-replace" or not isinstance(
                    boundary, str) or not boundary:
                raise FetchError("not an MJPEG stream (multipart/x-mixed-replace with a boundary)")
            marker = boundary.strip().strip('"').encode("ascii")
        except BaseException:
            self.close()
            raise
        # Cameras differ on whether the boundary parameter already carries the leading "--".
        self._delimiters = {b"--" + marker} | ({marker} if marker.startswith(b"--") else set())
        self._in_part = False  # True right after a delimiter line: part headers come next

    def _line(self) -> bytes:
        line = self.response.readline(LINE_LIMIT)
        if not line:
            raise FetchError("the stream ended")
        return line

    def _is_delimiter(self, line: bytes) -> bool:
        stripped = line.rstrip(b"\r\n").rstrip()
        if stripped.endswith(b"--") and stripped[:-2] in self._delimiters:
            raise FetchError("the stream ended")
        return stripped in self._delimiters

    def next_jpeg(self) -> bytes:
        """Return the next picture's bytes; each picture has its own deadline and the size cap."""
        self.deadline.at = time.monotonic() + self.policy.fetch_timeout_s
        cap = self.policy.max_bytes
        skipped = 0
        while not self._in_part:
            line = self._line()
            if self._is_delimiter(line):
                self._in_part = True
            skipped += len(line)
            if skipped > cap:
                raise FetchError("no picture boundary within the size cap")
        headers: dict[str, str] = {}
        for _ in range(MAX_PART_HEADERS + 1):
            line = self._line()
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        else:
            raise FetchError("too many part headers")
        self._in_part = False
        if "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                raise FetchError("a malformed part Content-Length") from None
            if length < 0 or length > cap:
                raise FetchError(f"the picture is larger than {cap} bytes")
            return self._exactly(length)
        chunks: list[bytes] = []
        size, line_start = 0, True
        while True:  # no length: the picture runs up to the next delimiter line
            line = self._line()
            if line_start and self._is_delimiter(line):
                self._in_part = True
                break
            chunks.append(line)
            size += len(line)
            if size > cap + 2:
                raise FetchError(f"the picture is larger than {cap} bytes")
            line_start = line.endswith(b"\n")
        data = b"".join(chunks)
        return data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data

    def _exactly(self, length: int) -> bytes:
        parts: list[bytes] = []
        left = length
        while left:
            chunk = self.response.read(left)
            if not chunk:
                raise FetchError("the stream ended inside a picture")
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        """Drop the connection."""
        self.response.close()
        self.sock.close()
