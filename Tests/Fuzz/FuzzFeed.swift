// libFuzzer target for the untrusted input of the podcast feed: the RSS/XML reader, the show
// notes as text (HTML rendering, entities, word wrap) and the MP3 length reader of a download.
//
// Not part of the package: Scripts/fuzz-feed compiles the library modules (WDFCore, WDFPlatform,
// WDFStore, WDFLibrary: Scripts/lib/fuzz-modules.sh), then every file of Sources/WDFFeed (as the
// module WDFFeed), then this file and Tests/WDFFeedTests/FeedFuzzTarget.swift (what is done with an input, shared with the regression
// test) against them, with `-sanitize=fuzzer,address`, and runs it over the seed corpus in
// Tests/Fuzz/feed-corpus. Inputs that once crashed or hung are kept in Tests/Fuzz/feed-regressions
// and replayed by Tests/WDFFeedTests/FeedFuzzRegressionTests.swift.

import WDFCore
import WDFFeed

/// Feeds one input to every reader. A crash, a sanitizer report, a hang past libFuzzer's
/// `-timeout` or memory past `-rss_limit_mb` is a finding; anything returned or thrown is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FeedFuzzTarget.run(bytes)
    return 0
}
