#!/usr/bin/env bash
# Set up everything on a fresh Debian machine, then serve the site or run the whole test suite.
#   scripts/bootstrap.sh serve   -> .venv + the package, then live preview on http://127.0.0.1:8000
#   scripts/bootstrap.sh test    -> also Chromium and nginx from Debian (no browser downloads),
#                                   then ruff and pytest
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  # Quiet unless something goes wrong; pip's notes about local index paths are harmless.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$1" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  "$VENV/bin/python" -c "import generator, mkdocs, material" \
    || { echo "installing the Python packages failed" >&2; exit 1; }
  # pip compiles the packages it installs to bytecode, but not an editable one: on a machine
  # that sets PYTHONDONTWRITEBYTECODE, every build would compile the generator again (~45 ms).
  "$VENV/bin/python" -m compileall -q generator >/dev/null
}

apt_install() {
  # $@: Debian packages to install when their command is missing.
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing_booklet_libraries() {
  # WeasyPrint (the PDF booklet that `iop-guide build` writes) loads pango and harfbuzz's
  # subsetter at run time; prints the ones that are not installed, one a line.
  local library
  for library in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
    dpkg-query -W -f='${Status}' "$library" 2>/dev/null | grep -q "ok installed" \
      || echo "$library"
  done
}

ensure_system_packages() {
  local wanted=()
  [ -x /usr/bin/chromium ] || wanted+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || wanted+=(nginx-light)
  # The nginx deploy test copies the site the way README.md tells deployers to: rsync -a.
  command -v rsync >/dev/null 2>&1 || wanted+=(rsync)
  command -v java >/dev/null 2>&1 || wanted+=(default-jre-headless)
  command -v node >/dev/null 2>&1 || wanted+=(nodejs npm)
  mapfile -t -O "${#wanted[@]}" wanted < <(missing_booklet_libraries)
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "Installing from Debian: ${wanted[*]}"
    apt_install "${wanted[@]}"
  fi
}

ensure_node_packages() {
  # The W3C HTML checker (vnu-jar) for the HTML validity test; versions pinned in package-lock.
  if [ -f package.json ] && [ ! -d node_modules/vnu-jar ]; then
    npm ci --silent --no-audit --no-fund
  fi
}

case "${1:-}" in
  serve)
    ensure_venv .
    # The preview leaves the booklet out, but `iop-guide build` after it needs these.
    mapfile -t libraries < <(missing_booklet_libraries)
    if [ ${#libraries[@]} -gt 0 ]; then
      echo "Installing from Debian: ${libraries[*]}"
      apt_install "${libraries[@]}"
    fi
    exec "$VENV/bin/iop-guide" serve "${@:2}"
    ;;
  test)
    ensure_venv ".[test]"
    ensure_system_packages
    ensure_node_packages
    export NO_MKDOCS_2_WARNING=1
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    exec "$VENV/bin/python" -m pytest "${@:2}"
    ;;
  *)
    echo "usage: $0 serve|test" >&2
    exit 2
    ;;
esac
