"""Where a camera may read from, checked when a camera is saved and again whenever the worker opens it.

A camera's source is typed by an administrator, and the video worker opens it with FFmpeg or an HTTP client.
Unchecked, that is a way to read any file of the server ("/etc/…" rendered as video) or to make the
server call its own internal addresses. So:

- file and folder sources must lie, after resolving symlinks and "..", under the video folder
  (ONEWINDOW_VIDEO_DIR) or a folder of ONEWINDOW_VIDEO_SOURCE_DIRS; a file must have a video or image
  extension and start with that container's magic bytes (a text file renamed .mp4 is refused);
- URL sources are http(s) (snapshots, MJPEG) and rtsp(s) (streams) only; every address the host resolves
  to must lie in an allowed camera network (ONEWINDOW_CAMERA_NETWORKS, private ranges by default), and
  loopback, link-local (cloud metadata 169.254.169.254 included), unspecified, multicast and reserved
  addresses are refused unless a network listed explicitly inside such a range allows them.

Every message is Simplified Chinese and names the field (`source`): it reaches the administrator as a 422.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import stat
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

__all__ = ["DEFAULT_CAMERA_NETWORKS", "IMAGE_SUFFIXES", "MEDIA_SUFFIXES", "SNAPSHOT_SCHEMES",
           "STREAM_SCHEMES", "SourcePolicy", "SourceRefused", "UrlTarget", "parse_networks", "resolve_host",
           "sniff"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_CAMERA_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
"""Cameras sit on the centre's private network: RFC 1918 ranges and IPv6 unique-local addresses."""

SNAPSHOT_SCHEMES = ("http", "https")
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322}
HEAD_BYTES = 512

# Which containers each accepted extension may hold (what `sniff` recognises in the first bytes).
_VIDEO = {".mp4": {"isobmff"}, ".m4v": {"isobmff"}, ".mov": {"isobmff"}, ".3gp": {"isobmff"},
          ".avi": {"avi"}, ".mkv": {"matroska"}, ".webm": {"matroska"}, ".flv": {"flv"},
          ".wmv": {"asf"}, ".asf": {"asf"}, ".mpg": {"mpeg-ps", "mpeg-ts"}, ".mpeg": {"mpeg-ps", "mpeg-ts"},
          ".ts": {"mpeg-ts"}, ".mts": {"mpeg-ts"}, ".m2ts": {"mpeg-ts"}}
_IMAGE = {".jpg": {"jpeg"}, ".jpeg": {"jpeg"}, ".png": {"png"}, ".bmp": {"bmp"}}
MEDIA_SUFFIXES = {**_VIDEO, **_IMAGE}
IMAGE_SUFFIXES = tuple(_IMAGE)

_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot")
_BMP_DIB_SIZES = (12, 40, 52, 56, 64, 108, 124)

# Addresses a camera never has, unless a network inside the range is listed on purpose (tests, labs).
_REFUSED_RANGES: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), reason) for net, reason in (
        ("0.0.0.0/8", "未指定地址"), ("127.0.0.0/8", "本机回环地址"),
        ("169.254.0.0/16", "链路本地地址（含云主机元数据地址）"), ("224.0.0.0/4", "组播地址"),
        ("240.0.0.0/4", "保留地址或广播地址"), ("::/128", "未指定地址"), ("::1/128", "本机回环地址"),
        ("fe80::/10", "链路本地地址"), ("ff00::/8", "组播地址"),
    ))
_LABEL = r"[a-z0-9_][a-z0-9_-]{0,62}"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


class SourceRefused(ValueError):
    """A source that may not be opened; the message is for the administrator (Chinese, names the field)."""


def _refuse(reason: str) -> SourceRefused:
    return SourceRefused(f"source：{reason}")


def sniff(head: bytes) -> str | None:
    """Name the video container or image format the first bytes of a file show, or None."""
    box_size = int.from_bytes(head[:4], "big")
    if len(head) >= 8 and head[4:8] in _ISO_BOXES and (box_size in (0, 1) or box_size >= 8):
        return "isobmff"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if head[:4] == b"FLV\x01":
        return "flv"
    if head[:16] == _ASF_GUID:
        return "asf"
    if head[:4] == b"\x00\x00\x01\xba":
        return "mpeg-ps"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "mpeg-ts"
    if len(head) > 388 and head[4] == head[196] == head[388] == 0x47:  # M2TS: 4-byte timestamps first
        return "mpeg-ts"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in _BMP_DIB_SIZES:
        return "bmp"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """Ask the system resolver for every address of a host name (tests replace this function)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Read a comma- or space-separated list of CIDR networks; raise ValueError naming a bad one."""
    networks = []
    for item in re.split(r"[,\s]+", text.strip()):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"not a CIDR network: {item!r}") from None
    return tuple(networks)


@dataclass(frozen=True)
class UrlTarget:
    """A checked URL: where to connect (the addresses checked, nothing resolved later) and what to ask."""

    scheme: str
    host: str  # as written (lower case, no brackets): the Host header and the TLS server name
    port: int
    addresses: tuple[str, ...]
    path: str  # path and query, at least "/"
    username: str | None = None
    password: str | None = None

    @property
    def host_header(self) -> str:
        """Return the Host header: the name (IPv6 in brackets) and the port when it is not the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"

    def pinned_url(self) -> str:
        """Return the URL with its host replaced by the first checked address (FFmpeg would resolve anew)."""
        address = self.addresses[0]
        host = f"[{address}]" if ":" in address else address
        userinfo = ""
        if self.username is not None:
            userinfo = self.username + (f":{self.password}" if self.password is not None else "") + "@"
        return f"{self.scheme}://{userinfo}{host}:{self.port}{self.path}"


@dataclass(frozen=True)
class SourcePolicy:
    """The folders and networks camera sources may use, and the bounds of every fetch from a camera."""

    roots: tuple[Path, ...]
    networks: tuple[IPNetwork, ...] = field(default_factory=lambda: parse_networks(",".join(
        DEFAULT_CAMERA_NETWORKS)))
    fetch_timeout_s: float = 5.0
    connect_timeout_s: float = 3.0
    max_bytes: int = 8 * 1024 * 1024
    resolve_timeout_s: float = 3.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "roots", tuple(Path(os.path.realpath(r)) for r in self.roots))

    def allowing(self, *networks: str) -> SourcePolicy:
        """Return this policy with more networks allowed (tests allow loopback this way)."""
        return replace(self, networks=self.networks + parse_networks(",".join(networks)))

    # -- the check at registration and when the worker opens a source -----------------------------------

    def check(self, kind: str, source: str) -> None:
        """Refuse a source this policy does not allow (URLs resolved now); raise SourceRefused."""
        if kind == "file":
            self.check_file(source)
        elif kind == "folder":
            self.check_folder(source)
        elif kind == "snapshot":
            self.check_url(source, SNAPSHOT_SCHEMES)
        elif kind == "stream":
            self.check_url(source, STREAM_SCHEMES)
        else:
            raise _refuse(f"未知的视频源类型 {kind!r}")

    # -- files and folders --------------------------------------------------------------------------------

    def _allowed_path(self, source: str) -> Path:
        """Resolve a path (symlinks, "..") and require it under an allowed folder."""
        if _FORBIDDEN_CHARS.search(source.replace(" ", "")):
            raise _refuse("路径中含有控制字符或反斜杠")
        if not os.path.isabs(source):
            raise _refuse("必须是绝对路径（以 / 开头）")
        try:
            resolved = Path(os.path.realpath(source))
        except (OSError, ValueError):
            raise _refuse("路径无法解析") from None
        if not any(resolved == root or resolved.is_relative_to(root) for root in self.roots):
            raise _refuse("路径（解析符号链接和“..”之后）不在允许的视频目录内；请放到 ONEWINDOW_VIDEO_DIR "
                          "或 ONEWINDOW_VIDEO_SOURCE_DIRS 所列目录下")
        return resolved

    def inside(self, path: Path) -> bool:
        """Tell whether a path resolves to a place under an allowed folder."""
        try:
            self._allowed_path(str(path))
        except SourceRefused:
            return False
        return True

    def check_folder(self, source: str) -> Path:
        """Return the resolved folder of a folder source, or raise SourceRefused."""
        resolved = self._allowed_path(source)
        if not resolved.is_dir():
            raise _refuse("图片文件夹不存在或不是文件夹")
        return resolved

    def check_file(self, source: str) -> Path:
        """Return the resolved path of an allowed video or image file, or raise SourceRefused."""
        resolved = self._allowed_path(source)
        self.read_media(resolved, MEDIA_SUFFIXES, HEAD_BYTES)
        return resolved

    def read_media(self, path: Path, suffixes: dict[str, set[str]] | tuple[str, ...],
                   limit: int | None = None) -> bytes:
        """Read a regular media file (its first `limit` bytes, or all up to max_bytes), checking its kind.

        The extension must be one of `suffixes` and the first bytes must show a container that extension may
        hold. Opened without following a symlink and without blocking (a FIFO named .mp4 never hangs us).
        """
        allowed = suffixes if isinstance(suffixes, dict) else {s: MEDIA_SUFFIXES[s] for s in suffixes}
        kinds = allowed.get(path.suffix.lower())
        if kinds is None:
            raise _refuse(f"只接受这些类型的文件：{'、'.join(sorted(allowed))}")
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            raise _refuse("文件不存在或无法读取") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise _refuse("不是普通文件")
            if limit is None and info.st_size > self.max_bytes:
                raise _refuse(f"文件超过 {self.max_bytes} 字节")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit if limit is not None else self.max_bytes + 1)
        except OSError:
            raise _refuse("文件无法读取") from None
        finally:
            os.close(fd)
        found = sniff(data[:HEAD_BYTES])
        if found not in kinds:
            raise _refuse(f"文件内容不是 {path.suffix.lower()} 视频或图片（文件头不符）")
        return data

    # -- URLs -----------------------------------------------------------------------------------------------

    def check_url(self, source: str, schemes: tuple[str, ...], timeout_s: float | None = None) -> UrlTarget:
        """Parse a URL, resolve its host and check every address; return where to connect."""
        if _FORBIDDEN_CHARS.search(source):
            raise _refuse("URL 中含有空白、控制字符或反斜杠")
        try:
            parts = urlsplit(source)
            port = parts.port
        except ValueError:
            raise _refuse("URL 无法解析（端口或主机写法有误）") from None
        if port == 0:
            raise _refuse("端口不能为 0")
        scheme = parts.scheme.lower()
        if scheme not in schemes:
            raise _refuse(f"只接受 {'、'.join(s + '://' for s in schemes)} 开头的地址")
        if parts.netloc.count("@") > 1:
            raise _refuse("URL 的主机部分含有多个“@”，不允许")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise _refuse("URL 缺少主机名")
        addresses = self._addresses(host, port or DEFAULT_PORTS[scheme],
                                    self.resolve_timeout_s if timeout_s is None else timeout_s)
        for address in addresses:
            problem = self.address_problem(address)
            if problem:
                where = f"地址 {address}" if str(address) == host else f"主机 {host} 的地址 {address}"
                raise _refuse(f"{where} {problem}")
        return UrlTarget(scheme, host, port or DEFAULT_PORTS[scheme], tuple(str(a) for a in addresses),
                         _path_of(parts), parts.username, parts.password)

    def _addresses(self, host: str, port: int, timeout_s: float) -> list[IPAddress]:
        literal = _ip(host)
        if literal is not None:
            return [literal]
        if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always this machine
            return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
        if not _HOST_NAME.match(host):
            raise _refuse(f"主机名 {host!r} 不合规（只允许字母、数字、“-”“_”和“.”）")
        if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):  # 2130706433, 0x7f.1, 127.1: IPs in disguise
            raise _refuse(f"{host} 不是标准写法的 IP 地址（请写成如 192.168.1.10 的形式）")
        found = [_ip(a) for a in _resolve_within(host, port, timeout_s)]
        if not found or any(a is None for a in found):
            raise _refuse(f"主机名 {host} 无法解析为地址")
        return [a for a in found if a is not None]

    def address_problem(self, address: IPAddress | str) -> str | None:
        """Say why a camera may not be at this address (Chinese), or None when it may."""
        ip = _ip(str(address))
        if ip is None:
            return "不是有效的 IP 地址"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        special = next((reason for net, reason in _REFUSED_RANGES if net.version == ip.version and ip in net),
                       None)
        for net in self.networks:
            if net.version != ip.version or ip not in net:
                continue
            if special is None or any(net.version == r.version and net.subnet_of(r)  # type: ignore[arg-type]
                                      for r, _ in _REFUSED_RANGES):  # listed on purpose inside the range
                return None
        if special is not None:
            return f"是{special}，不能作为摄像头地址"
        return "不在允许的摄像头网段内（ONEWINDOW_CAMERA_NETWORKS）"


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _path_of(parts: SplitResult) -> str:
    path = parts.path or "/"
    if not path.startswith("/"):
        raise _refuse("URL 的路径必须以 / 开头")
    return path + (f"?{parts.query}" if parts.query else "")


def _resolve_within(host: str, port: int, timeout_s: float) -> list[str]:
    """Resolve in a helper thread so a slow DNS server costs at most `timeout_s`."""
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["addresses"] = resolve_host(host, port)
        except Exception as exc:  # any failure to resolve is a refusal, never a crash
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="resolve-camera-host", daemon=True).start()
    if not done.wait(max(timeout_s, 0.01)):
        raise _refuse(f"解析主机名 {host} 超时")
    if "error" in outcome:
        raise _refuse(f"主机名 {host} 无法解析")
    return list(outcome["addresses"])  # type: ignore[call-overload]
