// libFuzzer target for the catalog walk's name handling: a `readdir` record read within its
// length (`FileName.entryName`), raw name bytes to path strings and back (`FileName`), the
// display form, the ".mp3" test on bytes, and the title, number and series taken from a file
// name (`Episode`).
//
// Not part of the package: Scripts/fuzz-names compiles the library modules (WDFCore, WDFPlatform, WDFStore, WDFLibrary:
// Scripts/lib/fuzz-modules.sh), then this file and Tests/WDFLibraryTests/FileNameFuzzTarget.swift (what is done
// with an input, shared with the regression test) against it, with `-sanitize=fuzzer,address`,
// and runs it over the seed corpus in Tests/Fuzz/names-corpus. Inputs that once broke it are
// kept in Tests/Fuzz/names-regressions and replayed by
// Tests/WDFLibraryTests/FileNameFuzzRegressionTests.swift.

import WDFCore

/// Feeds one input to the name handling. A crash, a broken property (a trap), a sanitizer
/// report, a hang past libFuzzer's `-timeout` or memory past `-rss_limit_mb` is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FileNameFuzzTarget.run(bytes)
    return 0
}
