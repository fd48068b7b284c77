import ArgumentParser
import WDFClient

/// What `wdfctl` does with its words before the argument parser sees them: options given before
/// the command (`wdfctl --json status`) move just after it, no command at all means `status` (as
/// `mpc` alone does), and a mistyped command gets a "did you mean".
enum CommandWords {
    enum Outcome: Equatable {
        case run([String])
        /// A sentence for stderr; exit 64 (EX_USAGE).
        case usage(String)
    }

    /// Every command name and alias, `help` included.
    static var names: [String] {
        var names = ["help"]
        for command in WDFCtl.configuration.subcommands {
            let configuration = command.configuration
            names.append(configuration.commandName ?? String(describing: command).lowercased())
            names += configuration.aliases
        }
        return names
    }

    static func normalize(_ arguments: [String], names: [String] = names) -> Outcome {
        var globals: [String] = []
        var rest = arguments[...]
        // The options every command shares, when they come first.
        while let first = rest.first {
            if first == "--json" {
                globals.append(first)
                rest = rest.dropFirst()
            } else if first == "--socket", rest.count >= 2 {
                globals += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--socket=") {
                globals.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard let command = rest.first else { return .run(["status"] + globals) }
        if command.hasPrefix("-") {
            // --help, --version, --generate-completion-script…: the parser's own.
            return .run(Array(rest) + globals)
        }
        guard names.contains(command) else {
            var sentence = "wdfctl has no command \"\(command)\""
            if let guess = closest(to: command, among: names) { sentence += "; did you mean `wdfctl \(guess)`?" } else { sentence += "." }
            return .usage(sentence + " `wdfctl --help` lists them.")
        }
        if command == "play" {
            var words: [String] = []
            var after = rest.dropFirst()
            while let word = after.popFirst() {
                if word == "--socket" { _ = after.popFirst() } else if !word.hasPrefix("-") { words.append(word) }
            }
            if !words.isEmpty {
                return .usage("`wdfctl play` resumes what is paused; to play an episode, run `wdfplay \(words.joined(separator: " "))`.")
            }
        }
        // Right after the command name, so that they stay before a `--` (`seek -- -15`).
        return .run([command] + globals + rest.dropFirst())
    }

    /// The name nearest to `word` by edit distance, when it is near enough to be a typo.
    static func closest(to word: String, among names: [String]) -> String? {
        let typed = Array(word.lowercased())
        var best: (name: String, distance: Int)?
        for name in names where name != "help" {
            let distance = editDistance(typed, Array(name))
            if distance < (best?.distance ?? Int.max) { best = (name, distance) }
            // A beginning of a name (`epi` for episodes) is a good guess too.
            if name.hasPrefix(word.lowercased()), typed.count >= 2, (best?.distance ?? Int.max) > 1 { best = (name, 1) }
        }
        guard let best, best.distance <= max(1, min(3, typed.count / 2)) else { return nil }
        return best.name
    }

    /// Levenshtein distance, with a swap of two neighbours counting as one edit.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], previous2[j - 2] + 1) }
            }
            previous2 = previous
            previous = current
        }
        return previous[b.count]
    }
}
