"""`iop-guide serve`: MkDocs' live-reload preview, with the build's errors shown in the browser.

MkDocs' own ``serve`` leaves the browser waiting while a rebuild fails (every request waits for
a build that never finishes) and exits when the first build fails; the only clue is in the
terminal. This runs the same pieces (``load_config``, ``build``, ``LiveReloadServer`` and its
watching, and the plugins' ``on_startup``/``on_serve``/``on_shutdown``) with one difference: a
failed build leaves an error page, listing the problems, where the site was. The page follows
MkDocs' live-reload protocol, so the browser shows the site again as soon as a fix builds.
Like ``generator.cli``, this module only runs MkDocs; the plugin is where MkDocs is adapted.
"""

from __future__ import annotations

import errno
import html
import logging
import shutil
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("iop-guide")

# Exit code for a command that cannot run as given (see `iop-guide --help`).
USAGE_ERROR = 2


class PortInUseError(Exception):
    """The preview's address is taken; carries the message an editor can act on."""


@dataclass
class PreviewState:
    """What the last build left: nothing (it worked), or the problems to show instead."""

    problems: str | None = None
    # When the failure was recorded, on the clock MkDocs' live-reload server numbers its
    # builds with (milliseconds of time.monotonic()): the page reloads once a later build is
    # visible.
    failed_at: int = 0

    def fail(self, problems: str) -> None:
        self.problems = problems
        self.failed_at = round(time.monotonic() * 1000)

    def clear(self) -> None:
        self.problems = None


def split_dev_addr(dev_addr: str) -> tuple[str, int]:
    host, _, port = dev_addr.rpartition(":")
    try:
        return host.strip("[]") or "127.0.0.1", int(port)
    except ValueError:
        raise PortInUseError(
            f"--dev-addr '{dev_addr}' is not an address and port: write it like 127.0.0.1:8000"
        ) from None


def check_port_free(host: str, port: int) -> None:
    """Fail early, and in plain words, when another program already listens on the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option the live-reload server sets, so a port in TIME_WAIT is not "busy".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUseError(port_in_use_message(host, port, exc)) from None


def port_in_use_message(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        reason = f"port {port} on {host} is already in use (is another preview running?)"
    else:
        reason = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return (
        f"{reason}: stop the other program, or choose another port with "
        f"--dev-addr {host}:{port + 1} (with make: make serve PORT={port + 1})"
    )


def describe_failure(exc: BaseException) -> str:
    """The problems behind a failed build, as the terminal showed them."""
    from mkdocs.exceptions import Abort, MkDocsException

    from generator.errors import SiteErrors

    if isinstance(exc, Abort) and exc.__context__ is not None:
        # "Aborted with a BuildError!" wraps the plugin's list of problems.
        return str(exc.__context__)
    if isinstance(exc, (MkDocsException, SiteErrors)):
        return str(exc)
    return "".join(traceback.format_exception(exc))


def error_page(problems: str, failed_at: int) -> bytes:
    """A plain page listing the problems, which reloads once a later build is visible."""
    count_line = problems.splitlines()[0] if problems else "The site could not be built."
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview: the site could not be built</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1a1a1a; }}
h1 {{ font-size: 1.5rem; color: #a30000; }}
pre {{ white-space: pre-wrap; background: #f4f4f4; border-left: 4px solid #a30000;
      padding: 1rem; overflow-x: auto; }}
</style>
</head>
<body>
<main>
<h1 id="preview-error">The preview cannot be shown: {html.escape(count_line)}</h1>
<p>Fix the problems below and save the file. This page reloads by itself once the site builds
again. The same list is in the terminal where <code>iop-guide serve</code> runs.</p>
<pre id="preview-problems">{html.escape(problems)}</pre>
</main>
<script>
(function () {{
  // MkDocs' live-reload protocol: /livereload/<epoch>/<id> answers once a build newer than
  // <epoch> is visible (or after a minute, with the current one).
  var failedAt = {failed_at};
  function poll() {{
    fetch("/livereload/" + failedAt + "/1")
      .then(function (response) {{ return response.text(); }})
      .then(function (epoch) {{
        if (Number(epoch) > failedAt) {{ window.location.reload(); }} else {{ poll(); }}
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  poll();
}})();
</script>
</body>
</html>
""".encode()


def serve_preview(config_path: Path, dev_addr: str) -> int:
    """Build, serve and rebuild on every change until interrupted; return the exit code."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    try:
        host, port = split_dev_addr(dev_addr)
        check_port_free(host, port)
    except PortInUseError as exc:
        log.error(str(exc))
        return USAGE_ERROR

    site_dir = tempfile.mkdtemp(prefix="iop-guide-preview-")
    state = PreviewState()

    def get_config():
        return load_config(config_file=str(config_path), site_dir=site_dir, dev_addr=dev_addr)

    try:
        config = get_config()
    except Exception:
        # Without a configuration there is nothing to serve or watch. Our own reading of the
        # file names the line; MkDocs' message is the fallback.
        from generator.site_config import load_site_config

        load_site_config(config_path)
        raise
    # A configuration MkDocs can read but our schema rejects (a misspelt key, a bad phone
    # number) fails the first build in the plugin, and is shown in the browser like any error.
    config.plugins.on_startup(command="serve", dirty=False)
    mount_path = urlsplit(config.site_url or "/").path or "/"
    serve_url = f"http://{host}:{port}{mount_path}"

    def builder(config=None) -> None:
        log.info("Building the preview...")
        try:
            if config is None:
                config = get_config()
            config.site_url = serve_url
            build(config, serve_url=serve_url)
        except Exception as exc:  # every failure becomes the error page, never a hung browser
            state.fail(describe_failure(exc))
            # A build that failed early (in the configuration) has not cleaned the folder:
            # empty it, so no page of the last good build is served as if it were current.
            shutil.rmtree(site_dir, ignore_errors=True)
            Path(site_dir).mkdir(exist_ok=True)
            log.error(f"The preview at {serve_url} shows these problems until they are fixed.")
        else:
            state.clear()

    server = LiveReloadServer(
        builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path
    )

    def error_handler(code: int) -> bytes | None:
        if state.problems is not None:
            return error_page(state.problems, state.failed_at)
        not_found = Path(site_dir) / "404.html"
        return not_found.read_bytes() if code == 404 and not_found.is_file() else None

    server.error_handler = error_handler
    try:
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Stopping the preview.")
        except OSError as exc:  # the port was taken between the check and now
            log.error(port_in_use_message(host, port, exc))
            return USAGE_ERROR
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0
