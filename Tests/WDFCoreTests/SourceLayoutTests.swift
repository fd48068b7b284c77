import Foundation
import Testing

/// The house rules that keep the sources readable: no file over 400 lines, and no type spread
/// over more than two files (its declaration and at most one `Type+Concern.swift`).
@Suite struct SourceLayoutTests {
    static let maximumLines = 400

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// Every Swift file under Sources, with its path from there and its text.
    static func files() throws -> [(path: String, text: String)] {
        var found: [(String, String)] = []
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            found.append((String(url.path.dropFirst(sources.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        return found
    }

    /// For each type declared in `files`, the files that declare or extend it (types of the
    /// standard library and C modules, declared nowhere here, are left out).
    static func spread(_ files: [(path: String, text: String)]) throws -> [String: Set<String>] {
        let modifiers = #"(?:(?:public|internal|package|private|fileprivate|final|indirect|nonisolated|@\w+(?:\([^)]*\))?)\s+)*"#
        let declaration = try NSRegularExpression(pattern: "^" + modifiers + #"(struct|class|enum|actor|protocol|extension)\s+([A-Za-z_]\w*)\b(?!\.)"#,
                                                  options: .anchorsMatchLines)
        var declared: Set<String> = []
        var homes: [String: Set<String>] = [:]
        for file in files {
            let range = NSRange(file.text.startIndex..., in: file.text)
            for match in declaration.matches(in: file.text, range: range) {
                guard let kind = Range(match.range(at: 1), in: file.text), let name = Range(match.range(at: 2), in: file.text) else { continue }
                let type = String(file.text[name])
                if file.text[kind] != "extension" { declared.insert(type) }
                homes[type, default: []].insert(file.path)
            }
        }
        return homes.filter { declared.contains($0.key) }
    }

    @Test func noFileOverFourHundredLines() throws {
        let files = try Self.files()
        #expect(files.count > 50)
        let long = files.map { ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count - ($0.text.hasSuffix("\n") ? 1 : 0)) }
            .filter { $0.1 > Self.maximumLines }.map { "\($0.0): \($0.1) lines" }
        #expect(long.isEmpty, "split these by what they do (at most \(Self.maximumLines) lines):\n\(long.sorted().joined(separator: "\n"))")
    }

    @Test func noTypeOverMoreThanTwoFiles() throws {
        let spread = try Self.spread(try Self.files())
        #expect(spread.count > 100)
        let wide = spread.filter { $0.value.count > 2 }
            .map { "\($0.key): \($0.value.sorted().joined(separator: ", "))" }
        #expect(wide.isEmpty, "give a cohesive part a type of its own:\n\(wide.sorted().joined(separator: "\n"))")
    }

    /// The scanner sees a type spread over three files, and not one in two.
    @Test func theScannerCountsFiles() throws {
        let spread = try Self.spread([
            ("A/Sink.swift", "public final class Sink: AudioSink, @unchecked Sendable {\n}\nextension String {}\n"),
            ("A/Sink+Output.swift", "extension Sink {\n}\n"),
            ("A/Sink+Naming.swift", "extension Sink {\n}\nextension Sink.Kind {}\n"),
            ("A/View.swift", "public enum View {}\n"),
            ("A/View+Format.swift", "public extension View {}\n"),
        ])
        #expect(spread["Sink"]?.count == 3)
        #expect(spread["View"]?.count == 2)
        #expect(spread["String"] == nil)
    }
}
