import Glibc
import WDFCore
import WDFPlatform
import WDFProtocol
import WDFStore

/// How the words after `wdfplay` (or `wdfctl info|played|unplayed|download`) name an episode.
public enum EpisodeWords {
    /// `6` → {episode: 6}; `korean war 6` → {series: "korean war", episode: 6}; `next`; a file
    /// (a word with a `/`, ending in `.mp3`, or naming an existing file) → its absolute path;
    /// other words → {episode: "the words"} (a title search or a series name). None → nil.
    public static func selection(_ words: [String]) -> EpisodeSelection? {
        let words = words.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard let last = words.last else { return nil }
        if words.count == 1 {
            if let number = Int(last) { return .query(.number(number, series: nil)) }
            if looksLikeFile(last) { return .path(absolutePath(last)) }
            return text(last)
        }
        if let number = Int(last) {
            return .query(.number(number, series: words.dropLast().joined(separator: " ")))
        }
        return text(words.joined(separator: " "))
    }

    /// Words as the daemon reads `{"episode": words}` (`EpisodeSelection`): "next" (any case) is
    /// the next episode, a text starting with "/" a path, other words a search.
    static func text(_ words: String) -> EpisodeSelection {
        if words.lowercased() == "next" { return .query(.next) }
        if words.hasPrefix("/") { return .path(words) }
        return .query(.text(words))
    }

    static func looksLikeFile(_ word: String) -> Bool {
        if word.contains("/") || word.lowercased().hasSuffix(".mp3") { return true }
        var st = stat()
        return stat(word, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
}

/// `wdfplay-feed`, the program that talks to the network (so that the clients and the daemon
/// never link libcurl).
public enum FeedTool {
    public static func path(environment: [String: String]) throws(ClientError) -> String {
        guard let tool = Executable.sibling("wdfplay-feed", environment: environment) else {
            throw .connection("wdfplay-feed is not installed beside this program or on $PATH; it fetches the feed and downloads.")
        }
        return tool
    }

    /// The file the feed store records for the item `guid` (what `download --guid` saved), if any.
    public static func downloadedFile(guid: String, environment: [String: String]) -> String? {
        var store = FeedStore(directory: XDGPaths(environment: environment).stateDirectory)
        _ = store.load()
        guard let file = store.item(guid: guid)?.file, file.hasPrefix("/") else { return nil }
        return file
    }

    /// Runs `wdfplay-feed arguments…` on this terminal; throws when it fails (it said why).
    public static func run(_ arguments: [String], environment: [String: String]) throws(ClientError) {
        let tool = try path(environment: environment)
        let status: Int32
        do {
            status = try Executable.runInheriting([tool] + arguments)
        } catch {
            throw .connection("Cannot run \(tool): \(error).")
        }
        guard status == 0 else { throw .silent(status) }
    }
}
