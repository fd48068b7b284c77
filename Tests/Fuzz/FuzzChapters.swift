// libFuzzer target for the tag and chapter parsers: the ID3v2 parser, the Podcasting 2.0 JSON,
// CUE sheet and show-notes parsers, skip-rule globs, and the merge into one list.
//
// Not part of the package: Scripts/fuzz-chapters compiles the library modules (WDFCore, WDFPlatform, WDFStore, WDFLibrary:
// Scripts/lib/fuzz-modules.sh), then this file and Tests/WDFLibraryTests/ChapterFuzzTarget.swift (what is done with
// an input, shared with the regression test) against it, with `-sanitize=fuzzer,address`, and runs it over the
// seed corpus in Tests/Fuzz/corpus. Inputs that once crashed are kept in Tests/Fuzz/regressions
// and replayed by Tests/WDFLibraryTests/ChapterSourceFuzzRegressionTests.swift.

import WDFCore

/// Feeds one input to every parser. A crash, a sanitizer report, a hang past libFuzzer's
/// `-timeout` or memory past `-rss_limit_mb` is a finding; anything returned or thrown is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ChapterFuzzTarget.run(bytes)
    return 0
}
