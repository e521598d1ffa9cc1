"""Debian's nginx on a loopback port, configured with deploy/nginx.conf and the generated snippet.

nginx runs in the foreground with its prefix, pid file, logs and temporary folders in a test
folder, so it touches nothing of the system's nginx. The test that starts it stops it by its PID.
Run as root (as the tests are), its worker is Debian's unprivileged ``www-data``, as on a server:
it can read only what a deployer's copy lets others read.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port

NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
# The user Debian's nginx package runs its workers as (/etc/nginx/nginx.conf: `user www-data;`).
WORKER_USER = "www-data"

_MAIN_CONFIG = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
events {{
    worker_connections 64;
}}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/server.conf;
}}
"""


def _substitute(text: str, pattern: str, replacement: str) -> str:
    """Replace one directive of deploy/nginx.conf; it must be there, or the test proves nothing."""
    result, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert count >= 1, f"deploy/nginx.conf no longer has a line matching {pattern!r}"
    return result


def server_block(port: int, www_root: Path, site_dir: Path) -> str:
    """deploy/nginx.conf as a deployer would edit it: port, root and the snippet's path."""
    text = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    text = _substitute(text, r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};")
    text = _substitute(text, r"^\s*listen \[::\]:80;\n", "")
    text = _substitute(text, r"^(\s*)root /var/www/iop-guide;$", rf"\1root {www_root};")
    return _substitute(
        text,
        r"^(\s*)include /var/www/iop-guide/_deploy/nginx-site.conf;$",
        rf"\1include {site_dir}/_deploy/nginx-site.conf;",
    )


@dataclass
class Nginx:
    process: subprocess.Popen
    origin: str  # http://127.0.0.1:PORT, no trailing slash
    prefix: Path

    def error_log(self) -> str:
        log = self.prefix / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def worker_uids(self) -> set[int]:
        """The real user ids of this nginx's worker processes (children of its master)."""
        uids = set()
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                )
            except OSError:
                continue  # the process ended while being read
            if fields.get("PPid", "").strip() == str(self.process.pid):
                uids.add(int(fields["Uid"].split()[0]))
        return uids

    def stop(self) -> None:
        # SIGTERM is nginx's fast shutdown: the master stops its worker and exits.
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_nginx(prefix: Path, www_root: Path, site_dir: Path) -> Nginx:
    """Serve ``site_dir`` (inside ``www_root``, at its path) with the deploy configuration."""
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (prefix / "server.conf").write_text(server_block(port, www_root, site_dir), encoding="utf-8")
    # As root, the worker switches to WORKER_USER, as on a Debian server; as anyone else nginx
    # cannot switch users and the directive is left out.
    user = f"user {WORKER_USER};\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        _MAIN_CONFIG.format(user=user, prefix=prefix, mime_types=MIME_TYPES), encoding="utf-8"
    )
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, f"nginx -t rejects the deploy configuration:\n{tested.stderr}"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Nginx(process=process, origin=f"http://127.0.0.1:{port}", prefix=prefix)
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.05)


@pytest.fixture(scope="module")
def search_page(browser, site_url):
    """One page at desktop width, shared by the search tests of a module."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url)
    yield page
    context.close()
