# Sourced by Scripts/fuzz-*: builds the package's library modules a fuzz harness needs, each one
# whole (-wmo) into one object with its .swiftmodule in $out/modules, in dependency order, with
# the flags in $flags (sanitizers). Sets `fuzz_objects` to the objects to link.
#   fuzz_modules_stale BINARY MODULE…   true when BINARY is missing or older than a source
#   fuzz_build_modules NAME MODULE…     compiles the modules (NAME prefixes the messages)
# Order: WDFCore, WDFPlatform (needs CLinux), WDFStore, WDFLibrary, then WDFFeed.

fuzz_modules_stale() {
    local binary=$1; shift
    local dirs=()
    for module in "$@"; do dirs+=("Sources/$module"); done
    [[ ! -x $binary ]] || [[ -n $(find "${dirs[@]}" "${harness[@]}" -name '*.swift' -newer "$binary" | head -1) ]]
}

fuzz_build_modules() {
    local name=$1; shift
    mkdir -p "$out/modules"
    fuzz_objects=()
    for module in "$@"; do
        local sources
        mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort)
        echo "$name: compiling ${#sources[@]} files of $module with -sanitize=fuzzer,address …"
        swiftc "${flags[@]}" -module-name "$module" -wmo -num-threads 0 -I "$out/modules" -I Sources/CLinux \
            -c "${sources[@]}" -emit-module -emit-module-path "$out/modules/$module.swiftmodule" \
            -o "$out/$module.o" 2> >(quiet)
        fuzz_objects+=("$out/$module.o")
    done
}
