import Glibc
import Testing
@testable import WDFCore
@testable import WDFPlatform

/// Replays the JSON fuzz seeds (`Tests/Fuzz/json-corpus`) and every input that once broke the
/// reader (`Tests/Fuzz/json-regressions`) through the fuzz target's own calls (`JSONFuzzTarget`).
/// `Scripts/fuzz-json` finds new ones.
@Suite("JSON: fuzz regressions")
struct JSONFuzzRegressionTests {
    static let seeds = ChapterSourceFuzzRegressionTests.inputs(in: "Tests/Fuzz/json-corpus")
    static let regressions = ChapterSourceFuzzRegressionTests.inputs(in: "Tests/Fuzz/json-regressions")

    @Test func seedCorpusIsThere() {
        #expect(Self.seeds.count >= 8)
    }

    @Test(arguments: seeds + regressions)
    func replay(path: String) throws {
        JSONFuzzTarget.run(try FileSystem.read(path))
    }

    @Test func theTargetsOwnChecksWork() throws {
        #expect(JSONFuzzTarget.hasDuplicateKeys(.object([("a", 1), ("b", .object([("c", 1), ("c", 2)]))])))
        #expect(!JSONFuzzTarget.hasDuplicateKeys(try JSONParser.parse(#"[{"a":1},{"a":{"a":1}}]"#)))
    }
}
