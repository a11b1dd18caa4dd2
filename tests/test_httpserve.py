"""The preview server's handler: hostile requests get an answer (400, 404, 416) and no traceback,
and the server goes on serving."""

from __future__ import annotations

import contextlib
import functools
import socket
import struct
import threading
from http.server import ThreadingHTTPServer

import pytest

from kbgen.httpserve import RangeRequestHandler

DATA = bytes(range(256)) * 40


class _Server(ThreadingHTTPServer):
    """What `kbgen serve` runs, but server_close() waits for every request's thread (so all
    they print is in by then), and the exceptions that reach the server are kept."""

    daemon_threads = False

    def __init__(self, *args):
        super().__init__(*args)
        self.errors: list[BaseException] = []

    def handle_error(self, request, client_address):
        import sys

        self.errors.append(sys.exc_info()[1])
        super().handle_error(request, client_address)  # the traceback, on stderr


@contextlib.contextmanager
def _serving(folder, capsys):
    (folder / "a.m4a").write_bytes(DATA)
    (folder / "index.html").write_text("<p>home</p>")
    (folder / "sub").mkdir()
    server = _Server(("127.0.0.1", 0), functools.partial(RangeRequestHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})  # a quick shutdown()
    thread.start()
    capsys.readouterr()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert server.errors == []
    assert capsys.readouterr().err == ""


def _ask(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes (http.client would refuse a NUL) and read the answer to the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status.split()[1]), headers, body


def _get(port: int, path: bytes, range_: bytes | None = None, method: bytes = b"GET"):
    extra = b"Range: " + range_ + b"\r\n" if range_ is not None else b""
    return _ask(port, method + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n")


def _still_serving(port: int) -> None:
    status, headers, body = _get(port, b"/a.m4a")
    assert status == 200 and body == DATA and headers["Accept-Ranges"] == "bytes"
    status, _, body = _get(port, b"/a.m4a", b"bytes=10-19")
    assert status == 206 and body == DATA[10:20]


@pytest.mark.parametrize("path", [
    b"/%00", b"/%00.html", b"/a%00b.m4a", b"/a.m4a%00", b"/sub/%00/", b"/sub%00/index.html",
    b"/a\x00b.m4a",  # a NUL as it is, not %-encoded
    b"/%ed%a0%80.m4a",  # a lone UTF-16 surrogate: no file name can hold it
])
@pytest.mark.parametrize("range_", [None, b"bytes=0-9"])
def test_a_path_no_file_can_have_is_a_bad_request(tmp_path, capsys, path, range_):
    with _serving(tmp_path, capsys) as port:
        status, headers, body = _get(port, path, range_)
        assert status == 400 and b"Bad Request" in body
        status, _, body = _get(port, path, method=b"HEAD")
        assert status == 400 and body == b""
        _still_serving(port)


@pytest.mark.parametrize("range_", [
    b"bytes=" + b"9" * 5000 + b"-",
    b"bytes=0-" + b"9" * 5000,
    b"bytes=-" + b"9" * 5000,
    b"bytes=" + b"0" * 5000 + b"1-2",  # leading zeros count too: int() refuses them all the same
])
def test_a_range_position_of_thousands_of_digits_is_a_bad_request(tmp_path, capsys, range_):
    """Python 3.11 refuses to convert more than 4300 digits (ValueError)."""
    with _serving(tmp_path, capsys) as port:
        status, _, _ = _get(port, b"/a.m4a", range_)
        assert status == 400
        _still_serving(port)


@pytest.mark.parametrize("range_", [
    f"bytes={len(DATA)}-".encode(), f"bytes={len(DATA) + 5}-{len(DATA) + 9}".encode(),
    b"bytes=" + b"9" * 20 + b"-", b"bytes=9-3", b"bytes=-0",
])
def test_an_unsatisfiable_range_is_416(tmp_path, capsys, range_):
    with _serving(tmp_path, capsys) as port:
        status, headers, body = _get(port, b"/a.m4a", range_)
        assert status == 416 and headers["Content-Range"] == f"bytes */{len(DATA)}" and body == b""
        _still_serving(port)


def test_a_range_past_the_end_is_cut_to_the_file(tmp_path, capsys):
    with _serving(tmp_path, capsys) as port:
        status, headers, body = _get(port, b"/a.m4a", b"bytes=10000-" + b"9" * 30)
        assert status == 206 and body == DATA[10000:]
        assert headers["Content-Range"] == f"bytes 10000-{len(DATA) - 1}/{len(DATA)}"
        status, _, body = _get(port, b"/a.m4a", b"bytes=-" + b"9" * 30)
        assert status == 206 and body == DATA


@pytest.mark.parametrize("path", [
    b"/" + b"a" * 5000 + b".m4a",  # longer than a file name may be
    b"/" + b"a/" * 2000 + b"a.m4a",  # deeper than a path may be
    b"/../../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/..%2f..%2f..%2fetc%2fpasswd",
    b"/sub/../../a.m4a/", b"/%ff%fe.m4a",  # bytes that are not UTF-8
])
def test_hostile_paths_are_not_found(tmp_path, capsys, path):
    """`..` never climbs out of the served folder; names the OS refuses are just not there."""
    with _serving(tmp_path, capsys) as port:
        for range_ in (None, b"bytes=0-9"):
            status, _, body = _get(port, path, range_)
            assert status == 404 and b"root:" not in body
        _still_serving(port)


def test_dot_dot_stays_inside(tmp_path, capsys):
    with _serving(tmp_path, capsys) as port:
        status, _, body = _get(port, b"/sub/../../../a.m4a", b"bytes=0-9")
        assert status == 206 and body == DATA[:10]


def test_request_line_and_headers_too_long(tmp_path, capsys):
    with _serving(tmp_path, capsys) as port:
        assert _ask(port, b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")[0] == 414
        assert _ask(port, b"GET / HTTP/1.1\r\nRange: bytes=" + b"1" * 70000 + b"-\r\n\r\n")[0] == 431
        _still_serving(port)


@pytest.mark.parametrize("range_", [None, b"bytes=100-"])
def test_a_client_that_leaves_mid_answer_is_let_go_quietly(tmp_path, capsys, range_):
    """A browser drops the connection each time the user seeks an <audio> or <video>."""
    big = tmp_path / "big.mp4"
    big.write_bytes(bytes(32 * 1024 * 1024))  # more than the sockets' buffers hold
    with _serving(tmp_path, capsys) as port:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        extra = b"Range: " + range_ + b"\r\n" if range_ else b""
        s.sendall(b"GET /big.mp4 HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n")
        assert s.recv(12) in (b"HTTP/1.0 200", b"HTTP/1.0 206")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not FIN
        s.close()
        _still_serving(port)


def test_a_missing_page_gets_the_sites_own_404_page(tmp_path, capsys):
    (tmp_path / "404.html").write_text("<h1>Not here: the site's page</h1>")
    with _serving(tmp_path, capsys) as port:
        for path in (b"/nothing/", b"/sessions/gone/index.html", b"/%00"):
            status, headers, body = _get(port, path)
            if path == b"/%00":
                assert status == 400  # not a missing page: a request no file can answer
                continue
            assert status == 404 and body == b"<h1>Not here: the site's page</h1>", path
            assert headers["Content-Type"] == "text/html; charset=utf-8"
        status, headers, body = _get(port, b"/nothing/", method=b"HEAD")
        assert status == 404 and body == b"" and int(headers["Content-Length"]) > 0
        _still_serving(port)


def test_without_a_404_page_the_answer_is_the_plain_one(tmp_path, capsys):
    with _serving(tmp_path, capsys) as port:
        status, _, body = _get(port, b"/nothing/")
        assert status == 404 and b"Error response" in body


def _gzip_get(port: int, path: bytes, accept: bytes = b"gzip, deflate, br", method: bytes = b"GET",
              range_: bytes | None = None):
    extra = b"Range: " + range_ + b"\r\n" if range_ is not None else b""
    return _ask(port, method + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: " + accept
                + b"\r\n" + extra + b"\r\n")


def test_text_is_gzipped_for_a_browser_that_takes_it(tmp_path, capsys):
    """Lighthouse's mobile run scored the demo's session and directory pages 87 to 88 for
    performance served uncompressed, and 97 to 100 gzipped (as any static host serves them)."""
    import gzip

    texts = {b"/": b"<p>home</p>", b"/style.css": b"p { color: red; }" * 200,
             b"/app.js": b"console.log(1);" * 200, b"/data.json": b'{"a": 1}', b"/pic.svg": b"<svg/>",
             b"/s.vtt": b"WEBVTT\n\n"}
    with _serving(tmp_path, capsys) as port:
        for path, text in texts.items():
            if path != b"/":
                (tmp_path / path.decode().lstrip("/")).write_bytes(text)
        for path, text in texts.items():
            status, headers, body = _gzip_get(port, path)
            assert status == 200 and headers["Content-Encoding"] == "gzip", path
            assert gzip.decompress(body) == text and int(headers["Content-Length"]) == len(body)
            assert headers["Vary"] == "Accept-Encoding" and "Accept-Ranges" not in headers
        assert len(_gzip_get(port, b"/style.css")[2]) < 200  # 3,400 bytes of CSS
        # HEAD: the gzipped length, no body.
        status, headers, body = _gzip_get(port, b"/app.js", method=b"HEAD")
        assert status == 200 and headers["Content-Encoding"] == "gzip" and body == b""
        # Not for a browser that refuses gzip, nor for a range, nor for media.
        for accept in (b"identity", b"gzip;q=0", b"br"):
            status, headers, body = _gzip_get(port, b"/style.css", accept=accept)
            assert status == 200 and "Content-Encoding" not in headers and body == texts[b"/style.css"], accept
        status, headers, body = _gzip_get(port, b"/style.css", range_=b"bytes=0-1")
        assert status == 206 and body == b"p " and "Content-Encoding" not in headers
        status, headers, body = _gzip_get(port, b"/a.m4a")
        assert status == 200 and body == DATA and "Content-Encoding" not in headers
        # A folder without its slash is still redirected; a missing page is still the 404.
        assert _gzip_get(port, b"/sub")[0] == 301
        assert _gzip_get(port, b"/nothing.css")[0] == 404
        _still_serving(port)
