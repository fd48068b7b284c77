import Foundation
import Testing
import WDFTestSupport

/// Docs/protocol.md is a contract: every `→` request in its `jsonl` examples is sent, in order, to
/// a real daemon (playing the demo series), and the reply must match the `←` line beside it —
/// same keys, same strings and numbers, except values that depend on the moment (positions, times
/// remaining), the machine (paths: same file name) or the build (version).
@Suite("Docs/protocol.md examples", .serialized)
struct ProtocolDocTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Docs/protocol.md")

    /// Keys whose numbers change from run to run.
    static let momentary: Set<String> = ["position", "started_at", "remaining", "paused_at"]

    static func exchanges() throws -> [(request: String, reply: String)] {
        let text = try String(contentsOf: document, encoding: .utf8)
        var result: [(String, String)] = []
        var inBlock = false
        var pending: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock = line == "```jsonl"; continue }
            guard inBlock else { continue }
            if line.hasPrefix("→ ") { pending = String(line.dropFirst(2)) }
            if line.hasPrefix("← "), let request = pending {
                result.append((request, String(line.dropFirst(2))))
                pending = nil
            }
        }
        return result
    }

    /// Differences between `actual` and `expected`, as readable paths.
    static func differences(_ actual: Any?, _ expected: Any?, at path: String, key: String = "") -> [String] {
        switch (actual, expected) {
        case let (a as [String: Any], e as [String: Any]):
            var found: [String] = []
            if Set(a.keys) != Set(e.keys) { found.append("\(path): keys \(a.keys.sorted()) ≠ documented \(e.keys.sorted())") }
            for (k, ev) in e { if let av = a[k] { found += differences(av, ev, at: path + "." + k, key: k) } }
            return found
        case let (a as [Any], e as [Any]):
            guard a.count == e.count else { return ["\(path): \(a.count) items ≠ documented \(e.count)"] }
            return zip(a, e).enumerated().flatMap { differences($1.0, $1.1, at: "\(path)[\($0)]", key: key) }
        case let (a as String, e as String):
            if key == "path" { return (a as NSString).lastPathComponent == (e as NSString).lastPathComponent ? [] : ["\(path): \(a)"] }
            if key == "version" { return [] }
            return a == e ? [] : ["\(path): \"\(a)\" ≠ documented \"\(e)\""]
        case let (a as NSNumber, e as NSNumber):
            let isBool = { (n: NSNumber) in String(cString: n.objCType) == "c" }
            if isBool(a) != isBool(e) { return ["\(path): \(a) ≠ documented \(e)"] }
            if momentary.contains(key) || isBool(a) && a == e { return [] }
            return abs(a.doubleValue - e.doubleValue) < 0.0005 ? [] : ["\(path): \(a) ≠ documented \(e)"]
        case (is NSNull, is NSNull):
            return []
        default:
            return ["\(path): \(actual.map { "\($0)" } ?? "nothing") ≠ documented \(expected.map { "\($0)" } ?? "nothing")"]
        }
    }

    @Test func everyExampleMatchesTheDaemon() async throws {
        let exchanges = try ProtocolDocTests.exchanges()
        #expect(exchanges.count >= 12, "the document lost its examples")
        try await DaemonHarness.run("protocol-doc") { h in
            let connection = try h.connect()
            for (request, documented) in exchanges {
                try connection.sendLine(request)
                let reply = try connection.nextReply(timeout: 10)
                let expected = try JSONSerialization.jsonObject(with: Data(documented.utf8), options: [.fragmentsAllowed])
                let actual = try JSONSerialization.jsonObject(with: Data(reply.text.utf8), options: [.fragmentsAllowed])
                let found = ProtocolDocTests.differences(actual, expected, at: "reply")
                #expect(found.isEmpty, "\(request)\n got \(reply.text)\n \(found.joined(separator: "\n "))")
                if request.contains("\"play\"") {
                    // Let the sound start so that the following positions are real.
                    _ = try await h.awaitStatus("playing", timeout: 5) { $0["state"].string == "playing" }
                }
            }
        }
    }
}
