import Glibc
import WDFCore
import WDFPlatform
import WDFProtocol

/// What the shells complete for an episode (`wdfplay <TAB>`, `wdfctl info <TAB>`): `next`, the
/// numbers of the current series, series names word by word and then their numbers, asked of
/// the daemon when it runs (never started for this); and MP3 files and folders.
public enum EpisodeCompletion {
    /// ArgumentParser's custom completion: `words` is the whole command line, `index` the word
    /// being completed, `prefix` what of it is typed.
    @Sendable public static func candidates(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var typed: [String] = []
        var socket: String?
        // wdfctl's first word is its command (info, played…), not part of the episode.
        var commandToSkip = words.first.map { FileSystem.baseName($0) == "wdfctl" } ?? false
        var i = 1
        while i < min(index, words.count) {
            let word = words[i]
            i += 1
            if word == "--socket" || word == "--from" {
                if word == "--socket", i < words.count { socket = words[i] }
                i += 1
            } else if word.hasPrefix("--socket=") {
                socket = String(word.dropFirst("--socket=".count))
            } else if !word.hasPrefix("-") {
                if commandToSkip { commandToSkip = false } else { typed.append(word) }
            }
        }
        var out = fromDaemon(typed: typed.map { $0.lowercased() }, socket: socket)
        if typed.isEmpty { out += files(prefix) }
        return out.filter { $0.lowercased().hasPrefix(prefix.lowercased()) && isShownAsIs($0) }
    }

    /// Whether a candidate may go to the shell as it is: nothing a terminal obeys (ESC, OSC, a
    /// newline, which would also start a second candidate, a bidi control). A series name or a
    /// file name is a stranger's; one that holds such a character is not offered.
    static func isShownAsIs(_ candidate: String) -> Bool {
        TerminalText.clean(candidate, lines: .escaped) == candidate
    }

    /// The words of a series name, lowercased, split on any whitespace (tab, newline, U+2028…).
    static func words(of name: String) -> [String] {
        name.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// The word that follows `typed` in each series name that starts with those words.
    static func nextWords(of seriesNames: [String], after typed: [String]) -> [String] {
        seriesNames.compactMap { name in
            let nameWords = words(of: name)
            guard typed.count < nameWords.count, Array(nameWords.prefix(typed.count)) == typed else { return nil }
            return nameWords[typed.count]
        }.filter(isShownAsIs)
    }

    static func fromDaemon(typed: [String], socket: String?) -> [String] {
        let environment = Environment.current
        let path = XDGPaths(environment: environment).socketPath(override: socket, environment: environment)
        guard let client = try? ControlClient(socketPath: path, timeoutSeconds: 2),
              let current = try? client.ask(.episodes(series: nil, all: false), EpisodeList.init(json:)).value else { return [] }
        let seriesNames = current.seriesNames
        var out: [String] = []
        if typed.isEmpty {
            out.append("next")
            out += numbers(current)
        }
        out += nextWords(of: seriesNames, after: typed)
        for name in seriesNames where words(of: name) == typed {
            if let list = try? client.ask(.episodes(series: name, all: false), EpisodeList.init(json:)).value { out += numbers(list) }
        }
        return out
    }

    static func numbers(_ list: EpisodeList) -> [String] {
        list.episodes.compactMap { $0.number.map(String.init) }
    }

    /// MP3 files and folders beside what is typed (`~/x/ep` lists `~/x`).
    static func files(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let shown = slash.map { String(prefix[...$0]) } ?? ""
        let directory = shown.isEmpty ? "." : XDGPaths(environment: Environment.current).expandingTilde(shown)
        guard let handle = FileName.withCString(directory, { opendir($0) }) else { return [] }
        defer { closedir(handle) }
        var out: [String] = []
        while let entry = readdir(handle), out.count < 1000 {
            // Read within the record (never all of `d_name`: /proc packs short ones), and kept
            // byte for byte: a name that is not UTF-8 is the path string that names its file.
            let name = FileName.string(FileName.entryName(entry))
            if name.hasPrefix(".") && !(slash.map { prefix[prefix.index(after: $0)...] } ?? Substring(prefix)).hasPrefix(".") { continue }
            if name == "." || name == ".." { continue }
            if FileSystem.isDirectory(directory + "/" + name) {
                out.append(shown + name + "/")
            } else if name.lowercased().hasSuffix(".mp3") {
                out.append(shown + name)
            }
        }
        return out.sorted()
    }
}

extension EpisodeCompletion {
    /// `wdfctl episodes <TAB>`: the words of the series names, in order.
    @Sendable public static func seriesWords(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let typed = words.prefix(min(index, words.count)).dropFirst(2).filter { !$0.hasPrefix("-") }.map { $0.lowercased() }
        let environment = Environment.current
        let path = XDGPaths(environment: environment).socketPath(override: nil, environment: environment)
        guard let client = try? ControlClient(socketPath: path, timeoutSeconds: 2),
              let current = try? client.ask(.episodes(series: nil, all: false), EpisodeList.init(json:)).value else { return [] }
        return nextWords(of: current.seriesNames, after: typed)
            .filter { $0.hasPrefix(prefix.lowercased()) }
    }
}
