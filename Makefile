# The two commands of the README. Both set up a fresh machine first.
.PHONY: serve test build check
serve:  ## install, then preview the site at http://127.0.0.1:8000 with live reload (PORT=8001: another port)
	scripts/bootstrap.sh serve $(if $(PORT),--dev-addr 127.0.0.1:$(PORT))
test:   ## install everything the tests need (Chromium from Debian included), then run them all
	scripts/bootstrap.sh test
build:
	.venv/bin/iop-guide build
check:
	.venv/bin/iop-guide check
