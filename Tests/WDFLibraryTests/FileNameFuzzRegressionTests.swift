import Testing
@testable import WDFCore
@testable import WDFPlatform

/// Replays the file-name fuzz seeds (`Tests/Fuzz/names-corpus`) and every input that once broke
/// the name handling (`Tests/Fuzz/names-regressions`) through the fuzz target's own calls and
/// checks (`FileNameFuzzTarget`). `Scripts/fuzz-names` finds new ones.
@Suite("File names: fuzz regressions")
struct FileNameFuzzRegressionTests {
    static let seeds = ChapterSourceFuzzRegressionTests.inputs(in: "Tests/Fuzz/names-corpus")
    static let regressions = ChapterSourceFuzzRegressionTests.inputs(in: "Tests/Fuzz/names-regressions")

    @Test func seedCorpusIsThere() {
        #expect(Self.seeds.count >= 8)
        #expect(Self.seeds.contains { FileSystem.baseName($0) == "name-latin1.bin" })
    }

    @Test(arguments: seeds + regressions)
    func replay(path: String) throws {
        FileNameFuzzTarget.run(try FileSystem.read(path))
    }
}
