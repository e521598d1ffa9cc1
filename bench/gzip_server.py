"""A static server that compresses text with gzip, as a static host (nginx, Netlify, Pages) does.

Python's ``http.server`` sends everything uncompressed, which would make page weight and
Lighthouse's performance score describe a host nobody publishes to. Compressed bodies are made
once per file (level 6, zlib's default) and kept, so compression costs no time per request.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from functools import partial
from io import BytesIO
from pathlib import Path

COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, cache: dict[str, bytes], **kwargs) -> None:
        self.cache = cache  # set before the base class handles the request
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        if Path(path).is_dir():
            index = Path(path) / "index.html"
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the slash-terminated address
            path = str(index)
        content_type = self.guess_type(path)
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (
            accepts_gzip and content_type.startswith(COMPRESSED_TYPES) and Path(path).is_file()
        ):
            return super().send_head()
        body = self.cache.get(path)
        if body is None:
            body = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
            self.cache[path] = body
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)


class GzipServer:
    """``with GzipServer(folder) as url:`` serves ``folder`` on a free loopback port."""

    def __init__(self, directory: Path) -> None:
        handler = partial(_Handler, directory=str(directory), cache={})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
