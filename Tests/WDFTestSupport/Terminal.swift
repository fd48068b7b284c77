import Foundation

/// Running a client on a terminal of a given size: script(1) gives it a pseudo-terminal, and
/// `stty` sets its columns before the program starts (so TIOCGWINSZ answers that width).
package enum Terminal {
    /// `program arguments…` on a `columns`-wide terminal; stdout and stderr both arrive in
    /// `stdout`, with the terminal's "\r\n" turned back into "\n".
    package static func run(_ program: URL, _ arguments: [String], columns: Int, environment: [String: String],
                    scratch: URL, timeout: Double = 20) async throws -> ChildProcess.Result {
        let command = ([program.path] + arguments).map(quoted).joined(separator: " ")
        var result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"),
                                                ["-qec", "stty cols \(columns) rows 50; exec \(command)", "/dev/null"],
                                                environment: environment, scratch: scratch, timeout: timeout)
        result.stdout = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        return result
    }

    package static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Display columns, counted independently of the code under test for the characters the
    /// tests use: CJK ideographs, kana and fullwidth forms and emoji take 2, combining marks 0.
    package static func columns(_ text: String) -> Int {
        text.reduce(0) { total, character in
            let scalars = character.unicodeScalars
            let first = scalars.first!.value
            if (0x3000...0x9FFF).contains(first) || (0xFF01...0xFF60).contains(first) || (0xAC00...0xD7A3).contains(first) { return total + 2 }
            if (0x1F300...0x1FAFF).contains(first) { return total + 2 }
            if (0x0300...0x036F).contains(first) { return total }
            return total + 1
        }
    }

    /// The display column at which `needle` starts in `line`, or nil.
    package static func column(of needle: String, in line: String) -> Int? {
        guard let range = line.range(of: needle) else { return nil }
        return columns(String(line[..<range.lowerBound]))
    }
}
