"""Fetching an article over http(s): bounded time, size and redirects; clear refusals."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO, Any

from .. import __version__
from ..errors import SourceError

_RETRY_HINT = "check the address in a browser; if it opens there, save the page (File > Save as) " \
              "and import the saved .html file"


@dataclass(frozen=True)
class FetchLimits:
    """How long, how large and how far a fetch may go."""

    connect_s: float = 5.0  # to open the connection
    timeout_s: float = 15.0  # for the server to answer, and for each read while data comes
    total_s: float = 30.0  # for the whole download
    max_bytes: int = 10_000_000
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """What the server sent."""

    url: str  # after redirects
    data: bytes
    content_type: str  # e.g. text/html
    charset: str | None


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most `limit` redirects; name a loop as a loop."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        chain: list[str] = getattr(req, "policyclip_chain", [req.full_url])
        if newurl in chain:
            loop = " -> ".join([*chain[chain.index(newurl):], newurl])
            raise SourceError(f"{chain[0]}: the server redirects in a loop ({loop})",
                              hint=_RETRY_HINT)
        if len(chain) > self.limit:
            raise SourceError(f"{chain[0]}: more than {self.limit} redirects, gave up at {newurl}",
                              hint=_RETRY_HINT)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.policyclip_chain = [*chain, newurl]  # type: ignore[attr-defined]
        return new


class _Http(urllib.request.HTTPHandler):
    """Plain http with a short connect timeout and a longer one for reading."""

    def __init__(self, limits: FetchLimits) -> None:
        super().__init__()
        self.limits = limits

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_timed(http.client.HTTPConnection, self.limits), req)


class _Https(urllib.request.HTTPSHandler):
    """https with a short connect timeout and a longer one for reading."""

    def __init__(self, limits: FetchLimits) -> None:
        super().__init__()
        self.limits = limits

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_timed(http.client.HTTPSConnection, self.limits), req)


def _timed(base: type[http.client.HTTPConnection], limits: FetchLimits) -> Any:
    """A connection class that connects within connect_s, then reads within timeout_s."""

    class Connection(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["timeout"] = limits.connect_s
            super().__init__(*args, **kwargs)

        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(limits.timeout_s)

    return Connection


def fetch(url: str, limits: FetchLimits) -> Fetched:
    """Download `url`, or raise SourceError saying why not and what to do."""
    opener = urllib.request.build_opener(_Redirects(limits.max_redirects), _Http(limits),
                                         _Https(limits))
    request = urllib.request.Request(url, headers={
        "User-Agent": f"Mozilla/5.0 (compatible; policyclip/{__version__})",
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
        "Accept-Encoding": "gzip, deflate"})
    try:
        with opener.open(request, timeout=limits.connect_s) as response:
            return _read(url, response, limits)
    except SourceError:
        raise
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url}: the server answered {exc.code} {exc.reason}",
                          hint=_RETRY_HINT) from None
    except urllib.error.URLError as exc:
        # urllib wraps what fails while connecting and sending the request.
        raise SourceError(f"{url}: {_why(exc.reason, limits, connecting=True)}",
                          hint=_RETRY_HINT) from None
    except TimeoutError as exc:
        raise SourceError(f"{url}: {_why(exc, limits, connecting=False)}",
                          hint=_RETRY_HINT) from None
    except (OSError, ValueError) as exc:  # connection reset mid-way, a malformed address
        raise SourceError(f"{url}: cannot fetch it ({exc})", hint=_RETRY_HINT) from None


def _why(reason: Any, limits: FetchLimits, *, connecting: bool) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        if connecting:
            return f"could not connect within {limits.connect_s:g} s"
        return f"no answer within {limits.timeout_s:g} s"
    if isinstance(reason, socket.gaierror):
        return "the host name is not known (no network, or a typo in the address?)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused (nothing answers at that address)"
    if isinstance(reason, ssl.SSLError):
        return f"the secure connection failed ({reason.reason or reason})"
    return f"cannot reach it ({reason})"


def _read(url: str, response: Any, limits: FetchLimits) -> Fetched:
    """The body, read in pieces so that size and total time stay bounded."""
    cap_mb = limits.max_bytes / 1_000_000
    too_big = SourceError(
        f"{url}: the page is larger than {cap_mb:g} MB, the most import reads",
        hint="save the article's text from the browser into a .txt file and import that")
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise too_big
    deadline = time.monotonic() + limits.total_s
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_big
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise SourceError(f"{url}: the download took longer than {limits.total_s:g} s",
                              hint=_RETRY_HINT)
    data = b"".join(chunks)
    encoding = (response.headers.get("Content-Encoding") or "").lower()
    try:
        if encoding == "gzip":
            data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            data = zlib.decompress(data)
    except zlib.error:
        raise SourceError(f"{url}: the server sent a damaged compressed page",
                          hint=_RETRY_HINT) from None
    if len(data) > limits.max_bytes:
        raise too_big
    content_type = response.headers.get_content_type()
    return Fetched(response.geturl(), data, content_type,
                   response.headers.get_content_charset())
