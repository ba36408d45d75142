SHELL := /bin/bash
# soporte: build, test, demo, install, package. `make demo`, `make test`, `make deb` and
# `make deb-check` install the system packages they need on Debian (as root or through sudo).
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
PYTHON ?= /usr/bin/python3
RELEASE_FLAGS = -c release --static-swift-stdlib --disable-local-rpath --disable-build-manifest-caching
DEBUG_BIN = .build/debug
RELEASE_BIN = .build/release

BUILD_PACKAGES = libcurl4-openssl-dev pkg-config
DEB_PACKAGES = $(BUILD_PACKAGES) dpkg-dev binutils
DEB_CHECK_PACKAGES = $(DEB_PACKAGES) lintian man-db jq systemd
TEST_PACKAGES = $(BUILD_PACKAGES) jq curl python3 python3-pytest mandoc nginx openssl zsh fish bash-completion \
  dpkg-dev binutils lintian man-db prometheus python3-prometheus-client time procps systemd \
  python3-openpyxl libreoffice-calc-nogui
BENCH_PACKAGES = $(TEST_PACKAGES) hyperfine apache2-utils binutils time

.PHONY: all build release deps test-deps bench-deps test unit tsan e2e demo install install-files uninstall generated bench fuzz fuzz-build fuzz-smoke mutants deb deb-deps deb-check clean

all: build

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
endef

deps:
	$(call apt_install,$(BUILD_PACKAGES))

test-deps:
	$(call apt_install,$(TEST_PACKAGES))

bench-deps:
	$(call apt_install,$(BENCH_PACKAGES))

deb-deps:
	$(call apt_install,$(DEB_PACKAGES))

build: deps
	$(SWIFT) build

## release: linked for a fast start (bench/RESULTS.md, README "Performance"): with lld;
## with relative relocations packed (DT_RELR) where glibc's loader reads them (2.36 and
## later); and with libstdc++ and libgcc linked in, so the loader maps and binds two
## libraries fewer at every run. Without libstdc++.a, libstdc++ stays a shared library:
## a little slower to start, the same program. No $ORIGIN run path (--disable-local-rpath):
## the Swift runtime is linked in, so nothing is loaded from the binary's own folder, and
## dlopen("libcurl.so.4") searches only the system's paths (Debian policy; lintian's
## custom-library-search-path). Every symbol is bound at load, and the relocated data made
## read-only after (-z now, -z relro: full RELRO, lintian's hardening-no-bindnow); with
## libc and libm the only libraries at start it cost nothing measurable (hyperfine,
## `--version` 300 runs: 1.01x +- 0.08).
RELEASE_TOOLSET = $(CURDIR)/.build/release-toolset.json
STATIC_LIBS = $(CURDIR)/.build/static-libs

release: deps
	@mkdir -p $(STATIC_LIBS)
	@a=$$($(CC) -print-file-name=libstdc++.a); \
	if [ -f "$$a" ]; then ln -sf "$$a" $(STATIC_LIBS)/libstdc++.a; \
	else rm -f $(STATIC_LIBS)/libstdc++.a; echo "note: no libstdc++.a; libstdc++ stays a shared library"; fi
	@lld=; relr=; v=$$(getconf GNU_LIBC_VERSION 2>/dev/null | cut -d' ' -f2); \
	if [ -x "$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/ld.lld" ]; then lld='"-use-ld=lld", '; \
	  if [ "$$(printf '2.36\n%s\n' "$$v" | sort -V | head -1)" = 2.36 ]; then relr='"-z", "pack-relative-relocs", '; fi; \
	else echo "note: the Swift toolchain has no ld.lld; linking with its default linker"; fi; \
	printf '{\n  "schemaVersion": "1.0",\n  "swiftCompiler": { "extraCLIOptions": [%s"-Xclang-linker", "-static-libgcc"] },\n  "linker": { "extraCLIOptions": [%s"-z", "now", "-z", "relro", "-L$(STATIC_LIBS)"] }\n}\n' "$$lld" "$$relr" > $(RELEASE_TOOLSET).new; \
	if ! cmp -s $(RELEASE_TOOLSET).new $(RELEASE_TOOLSET); then \
	  mv $(RELEASE_TOOLSET).new $(RELEASE_TOOLSET); rm -f $(RELEASE_BIN)/soporte $(RELEASE_BIN)/soporte-sandbox; \
	else rm $(RELEASE_TOOLSET).new; fi
	$(SWIFT) build $(RELEASE_FLAGS) --toolset $(RELEASE_TOOLSET)

## test: every test: a build that must print no compiler warning, Swift unit tests, then the end-to-end suite against the real binaries,
## debug and release (the release link is its own: lld, static libstdc++ and libgcc), a
## short fuzzing run, and last the Debian package, installed and removed (deb-check).
test: test-deps
	@mkdir -p .build
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build/test-build.log
	@if grep -q 'warning:' .build/test-build.log; then echo "the build printed compiler warnings (above): fix them"; exit 1; fi
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory tsan
	SOPORTE_BIN=$(DEBUG_BIN)/soporte SANDBOX_BIN=$(DEBUG_BIN)/soporte-sandbox \
	  $(PYTHON) -m pytest -q -p no:cacheprovider Tests/e2e
	$(MAKE) --no-print-directory release
	SOPORTE_BIN=$(RELEASE_BIN)/soporte SANDBOX_BIN=$(RELEASE_BIN)/soporte-sandbox \
	  $(PYTHON) -m pytest -q -p no:cacheprovider Tests/e2e
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory deb-check

## fuzz-smoke: every libFuzzer target for FUZZ_SECONDS each (CI); fuzz: a longer run.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS = json args config sandbox answers
## fuzz-build: manifest caching off, or a file added to the main package stays unseen here.
fuzz-build:
	$(SWIFT) build --package-path fuzz -Xswiftc -sanitize=fuzzer,address --disable-build-manifest-caching

fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  work=$$(mktemp -d); mkdir -p fuzz/crashes; \
	  echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
	  fuzz/.build/debug/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix=fuzz/crashes/$$t- $$work fuzz/corpus/$$t 2>&1 | grep -E '^(Done|==|SUMMARY|stat::number_of_executed_runs)' ; \
	  status=$${PIPESTATUS[0]}; rm -rf $$work; \
	  if [ "$$status" != 0 ]; then echo "fuzz-$$t found a crash: see fuzz/crashes/"; exit 1; fi; \
	done

fuzz:
	$(MAKE) --no-print-directory fuzz-smoke FUZZ_SECONDS=600

unit: deps
	$(SWIFT) test

## tsan: the unit tests under ThreadSanitizer, in a build of their own (.build-tsan). A
## report fails the run (TSan's exit status 66); Tests/tsan.supp holds the false ones,
## each with its proof. TSAN_FILTER limits it to some test classes.
TSAN_FILTER ?=
tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS="suppressions=$(CURDIR)/Tests/tsan.supp $(TSAN_OPTIONS)" \
	  $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan $(if $(TSAN_FILTER),--filter '$(TSAN_FILTER)')

## mutants: each small deliberate bug of Tests/mutants/mutants.txt, alone, in a scratch copy
## (.build/mutants/tree), built and unit-tested; every one must make a test fail. Not part
## of `make test`. MUTANTS="id id" runs a few.
mutants: deps
	$(PYTHON) Tests/mutants/run.py --swift $(SWIFT) $(MUTANTS)

e2e: test-deps build
	SOPORTE_BIN=$(DEBUG_BIN)/soporte SANDBOX_BIN=$(DEBUG_BIN)/soporte-sandbox \
	  $(PYTHON) -m pytest -q -p no:cacheprovider Tests/e2e

## demo: start the simulator on a free port, run real commands against it, stop it.
demo: test-deps release
	@bash Tests/demo.sh $(RELEASE_BIN)

## completions and man pages are generated from the command table and committed.
generated: build
	$(DEBUG_BIN)/soporte completion bash > completions/soporte.bash
	$(DEBUG_BIN)/soporte completion zsh > completions/_soporte
	$(DEBUG_BIN)/soporte completion fish > completions/soporte.fish
	$(DEBUG_BIN)/soporte help --man > man/soporte.1

install: release install-files

## install-files: copy what is built; RELEASE_BIN may point at another build.
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(RELEASE_BIN)/soporte $(RELEASE_BIN)/soporte-sandbox $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/soporte.1 man/soporte-sandbox.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 completions/soporte.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/soporte
	install -m 644 completions/_soporte $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_soporte
	install -m 644 completions/soporte.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/soporte.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/soporte $(DESTDIR)$(PREFIX)/bin/soporte-sandbox \
	  $(DESTDIR)$(PREFIX)/share/man/man1/soporte.1 $(DESTDIR)$(PREFIX)/share/man/man1/soporte-sandbox.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/soporte \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_soporte \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/soporte.fish

## deb: $(DEB_DIR)/soporte_VERSION_ARCH.deb from the release build (packaging/deb/build.sh);
## deb-check: lintian, then dpkg -i on this machine, the installed files at work, dpkg -r
## and -P, and nothing left (Tests/pkg/check_deb.sh; root or sudo).
DEB_DIR = .build
DEB_FILE = $(DEB_DIR)/soporte_$$($(RELEASE_BIN)/soporte --version | cut -d' ' -f2)_$$(dpkg --print-architecture).deb

deb: deb-deps release
	bash packaging/deb/build.sh $(RELEASE_BIN) $(DEB_DIR)

deb-check: deb
	$(call apt_install,$(DEB_CHECK_PACKAGES))
	bash Tests/pkg/check_deb.sh $(DEB_FILE)

## bench: every row; BENCH_ROWS=loopback (plain HTTP) or wire (bench/wire.py: HTTPS through
## nginx and a delay proxy, the walk's CPU, rate limits, hostile bodies) runs a part.
BENCH_ROWS ?= all
bench: bench-deps release
	$(PYTHON) bench/run.py --bin $(RELEASE_BIN) --rows $(BENCH_ROWS)

clean:
	rm -rf .build
