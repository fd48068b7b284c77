# Sourced by the scripts that build release binaries for people to run (quickstart, install).
#
# An incremental `swift build -c release` (Swift 6.3.1 here) can leave a module compiled against
# another module's old layout: after a stored property was added to `Daemon`, `wdfplayd`'s main
# was not recompiled, allocated a Daemon of the old size and the daemon corrupted its heap at
# start. When the sources differ from those of the last release build, every source file is
# touched so that each of our modules is compiled anew (the packages we depend on are not).
#
#   fresh_build_begin SCRATCH    before `swift build` (SCRATCH: .build, or the --scratch-path)
#   fresh_build_done SCRATCH     after it succeeded

wdf_sources_sum() {
    find Sources Package.swift -type f \( -name '*.swift' -o -name '*.h' -o -name '*.modulemap' \) -print0 \
        | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1
}

fresh_build_begin() {
    local stamp="$1/wdfplay-sources.sha1"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(wdf_sources_sum)" ]; then
        find Sources -type f -name '*.swift' -exec touch {} +
    fi
}

fresh_build_done() {
    mkdir -p "$1"
    wdf_sources_sum > "$1/wdfplay-sources.sha1"
}
