import Foundation

/// Docs/protocol.md, read by the tests: its example lines and its table of commands.
enum ProtocolDocument {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Docs/protocol.md").path

    static func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// Every `→` and `←` line inside a code block, in order, as (isRequest, text).
    static func exampleLines() throws -> [(request: Bool, text: String)] {
        var inBlock = false
        var out: [(Bool, String)] = []
        for line in try text().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            guard inBlock else { continue }
            if line.hasPrefix("→ ") { out.append((true, String(line.dropFirst(2)))) }
            if line.hasPrefix("← ") { out.append((false, String(line.dropFirst(2)))) }
        }
        return out
    }

    /// The rows of the table under "## Commands": the command names of the first cell and the
    /// text of the arguments cell.
    static func commandRows() throws -> [(names: [String], arguments: String)] {
        var inSection = false
        var rows: [([String], String)] = []
        for line in try text().split(separator: "\n") {
            if line.hasPrefix("## ") || line.hasPrefix("### ") { inSection = line == "## Commands" }
            guard inSection, line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let names = cells[1].split(separator: "/").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            rows.append((names, cells[2]))
        }
        return rows
    }

    /// The words in backquotes directly followed by a colon (`` `episode`: ``): arguments a cell
    /// documents.
    static func documentedArguments(_ cell: String) -> [String] {
        var found: [String] = []
        var rest = Substring(cell)
        while let open = rest.firstIndex(of: "`") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "`") else { break }
            let word = after[..<close]
            let next = after.index(after: close)
            if next < after.endIndex, after[next] == ":", word.allSatisfy({ $0.isLetter || $0 == "_" }) { found.append(String(word)) }
            rest = after[after.index(after: close)...]
        }
        return found
    }

    /// Every word in backquotes in a cell.
    static func quotedWords(_ cell: String) -> Set<String> {
        let parts = cell.split(separator: "`", omittingEmptySubsequences: false)
        return Set(parts.enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }
}
