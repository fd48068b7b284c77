import Glibc
import Testing
@testable import WDFCore
@testable import WDFPlatform
@testable import WDFLibrary

/// Replays the fuzz seeds (`Tests/Fuzz/corpus`) and every input that once broke a parser
/// (`Tests/Fuzz/regressions`) through the fuzz target's own calls (`ChapterFuzzTarget`):
/// a crash here is a parser bug. `Scripts/fuzz-chapters` finds new ones.
@Suite("Chapter sources: fuzz regressions")
struct ChapterSourceFuzzRegressionTests {
    static func inputs(in folder: String) -> [String] {
        let directory = ChapterFixtures.path(folder)
        return FileSystem.names(in: directory).filter { !$0.hasPrefix(".") && $0 != "README.md" }
            .map { directory + "/" + $0 }.sorted()
    }

    static let seeds = inputs(in: "Tests/Fuzz/corpus")
    static let regressions = inputs(in: "Tests/Fuzz/regressions")

    @Test func seedCorpusIsThere() {
        #expect(Self.seeds.count >= 10)
        #expect(Self.seeds.contains { FileSystem.baseName($0) == "tag-tones.bin" })
    }

    @Test(arguments: seeds + regressions)
    func replay(path: String) throws {
        ChapterFuzzTarget.run(try FileSystem.read(path))
    }
}
