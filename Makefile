# SPDX-License-Identifier: LGPL-2.1-or-later
# One word for each job; meson does the building.
BUILD ?= build
PREFIX ?= /usr/local
MESON_OPTS ?=

.PHONY: all build deps demo test install uninstall bench asan fuzz format clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

install: build
	meson install -C $(BUILD) --quiet

uninstall:
	rm -f $(PREFIX)/bin/isola-runtime $(PREFIX)/bin/isola
	rm -rf $(PREFIX)/libexec/isola

# Install dependencies, build, install, run a busybox container.
demo: deps
	@$(MAKE) --no-print-directory install
	@scripts/demo.sh

# Install test dependencies, build, run every test; ends with "N passed, N failed".
test:
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory build
	@tests/run.sh

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory BUILD=build-asan \
		MESON_OPTS="-Db_sanitize=address,undefined -Dbuildtype=debug" build
	@ISOLA_BUILD=build-asan tests/run.sh

bench:
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory build
	@bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
