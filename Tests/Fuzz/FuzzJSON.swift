// libFuzzer target for the JSON reader (JSONParser): duplicate keys, deep nesting, huge numbers,
// invalid UTF-8 and escapes, and what is built on it (feed store items, the config bridge, chapter
// sidecars, the number conversions).
//
// Not part of the package: Scripts/fuzz-json compiles the library modules (WDFCore, WDFPlatform, WDFStore, WDFLibrary:
// Scripts/lib/fuzz-modules.sh), then this file and Tests/WDFLibraryTests/JSONFuzzTarget.swift (what is done with
// an input, shared with the regression test) against it, with `-sanitize=fuzzer,address`, and runs
// it over the seed corpus in Tests/Fuzz/json-corpus. Inputs that once broke it are kept in
// Tests/Fuzz/json-regressions and replayed by Tests/WDFLibraryTests/JSONFuzzRegressionTests.swift.

import WDFCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    JSONFuzzTarget.run(bytes)
    return 0
}
