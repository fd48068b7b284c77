# make install [PREFIX=~/.local]   release binaries, units, completions, man pages, default config
# make uninstall [PREFIX=…]        removes exactly what install added
PREFIX ?= $(HOME)/.local

.PHONY: build install uninstall test
build:
	swift build -c release --static-swift-stdlib
install:
	PREFIX="$(PREFIX)" Scripts/install
uninstall:
	PREFIX="$(PREFIX)" Scripts/uninstall
test:
	Scripts/test
