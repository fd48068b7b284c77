import Foundation

/// The programs under test and the package's files. The test target depends on the five
/// executables, so `swift test` builds them into the same directory as the test bundle.
package struct Binaries: Sendable {
    package let directory: URL
    package var wdfplayd: URL { directory.appendingPathComponent("wdfplayd") }
    package var wdfplay: URL { directory.appendingPathComponent("wdfplay") }
    package var wdfctl: URL { directory.appendingPathComponent("wdfctl") }
    package var wdfplayConfig: URL { directory.appendingPathComponent("wdfplay-config") }
    package var wdfplayFeed: URL { directory.appendingPathComponent("wdfplay-feed") }

    package static let names = ["wdfplayd", "wdfplay", "wdfctl", "wdfplay-config", "wdfplay-feed"]

    /// The package root (this file is Tests/EndToEndTests/Binaries.swift).
    package static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    package static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    package static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    package struct Missing: Error, CustomStringConvertible {
        package var searched: [String]
        package var description: String {
            "wdfplayd, wdfplay, wdfctl, wdfplay-config and wdfplay-feed were not found beside the test bundle; searched: "
                + searched.joined(separator: ", ")
                + ". The EndToEndTests target must depend on the five executables (Package.swift) and be run with `swift test`."
        }
    }

    /// Where the running test bundle is, else the newest `.build*/debug` of the package that
    /// holds all five programs.
    package static func locate() throws -> Binaries {
        let fm = FileManager.default
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argv0.deletingLastPathComponent())
        // On some platforms the bundle is a directory (…/x.xctest/Contents/MacOS/x).
        var up = argv0.deletingLastPathComponent()
        for _ in 0..<4 {
            up = up.deletingLastPathComponent()
            candidates.append(up)
        }
        if let scratch = try? fm.contentsOfDirectory(atPath: packageRoot.path) {
            let builds = scratch.filter { $0.hasPrefix(".build") }
                .map { packageRoot.appendingPathComponent($0).appendingPathComponent("debug").resolvingSymlinksInPath() }
                .sorted { modified($0.appendingPathComponent("wdfplayd")) > modified($1.appendingPathComponent("wdfplayd")) }
            candidates.append(contentsOf: builds)
        }
        for dir in candidates where names.allSatisfy({ fm.isExecutableFile(atPath: dir.appendingPathComponent($0).path) }) {
            return Binaries(directory: dir)
        }
        throw Missing(searched: candidates.map(\.path))
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
