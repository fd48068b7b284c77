/// How long a transfer may take, how slow it may get, and how much it may bring, so that no
/// server can keep `sync`, `download` or `wdfplay N` waiting forever or fill the disk.
///
/// The defaults suit a podcast; each can be changed through the environment of `wdfplay-feed`
/// (the tests use short ones):
/// - `WDFPLAY_FEED_TIMEOUT`: seconds a feed or chapters file may take in all (300).
/// - `WDFPLAY_DOWNLOAD_TIMEOUT`: seconds one episode transfer may take in all (14400, 4 h).
/// - `WDFPLAY_MIN_SPEED`, `WDFPLAY_MIN_SPEED_TIME`: a transfer slower than this many bytes a
///   second for this many seconds is given up (1024 B/s over 60 s).
/// - `WDFPLAY_DOWNLOAD_MAX`: the most bytes one episode may have (2 GiB). A download stops a
///   little past the larger of the length the feed declares and the one the server announces
///   (an eighth more, at least 8 MiB more), and at this size when neither is known.
/// - `WDFPLAY_LOCK_WAIT`: seconds a run waits for another one downloading the same episode
///   before it gives up (600).
public struct TransferLimits: Sendable, Equatable {
    /// Whole-transfer deadline for feeds and chapters files, in seconds.
    public var feedTimeout: Int = 300
    /// Whole-transfer deadline for one episode's audio, in seconds.
    public var downloadTimeout: Int = 4 * 3600
    /// Below `minimumSpeed` bytes a second for `minimumSpeedTime` seconds, a transfer is given up.
    public var minimumSpeed: Int = 1024
    public var minimumSpeedTime: Int = 60
    /// The largest episode download, in bytes.
    public var downloadMaximum: Int = 2 << 30
    /// Seconds to wait for another run's download of the same episode.
    public var lockWait: Int = 600

    public init() {}

    /// The defaults, with what the environment sets instead; a value that is not a positive whole
    /// number (in range) is an error naming the variable.
    public init(environment: [String: String]) throws(TransferError) {
        self.init()
        func read(_ name: String, _ range: ClosedRange<Int>, into value: inout Int) throws(TransferError) {
            guard let text = environment[name] else { return }
            let trimmed = text.trimmingWhitespace()
            guard trimmed.utf8.count <= 19, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(trimmed),
                  range.contains(number) else {
                let shown = text.utf8.count > 40 ? String(text.prefix(40)) + "…" : text
                throw TransferError("$\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(shown.debugDescription.dropFirst().dropLast())\".")
            }
            value = number
        }
        try read("WDFPLAY_FEED_TIMEOUT", 1...86_400, into: &feedTimeout)
        try read("WDFPLAY_DOWNLOAD_TIMEOUT", 1...7 * 86_400, into: &downloadTimeout)
        try read("WDFPLAY_MIN_SPEED", 1...(1 << 30), into: &minimumSpeed)
        try read("WDFPLAY_MIN_SPEED_TIME", 1...3600, into: &minimumSpeedTime)
        try read("WDFPLAY_DOWNLOAD_MAX", 1...Int.max, into: &downloadMaximum)
        try read("WDFPLAY_LOCK_WAIT", 0...7 * 86_400, into: &lockWait)
    }

    /// Where a download of an episode whose feed declares `declared` bytes and whose server
    /// announces `announced` (the whole file's size) is stopped.
    public func downloadCeiling(declared: Int?, announced: Int?) -> Int {
        let known = max(max(declared ?? 0, 0), max(announced ?? 0, 0))
        guard known > 0 else { return downloadMaximum }
        let slack = max(known / 8, 8 << 20)
        let (sum, overflow) = known.addingReportingOverflow(slack)
        return overflow ? downloadMaximum : min(downloadMaximum, sum)
    }
}

/// What a transfer may do besides its size: follow only http(s), or local files too.
public enum TransferOrigin: Sendable {
    /// Named by something fetched from the network (a remote feed's enclosure, chapters file):
    /// http:// and https:// only.
    case remote
    /// Named by the listener (the configured feed), or by a feed read from a local file:
    /// file:// allowed too. Redirects still go to http(s) only.
    case local

    /// The origin of URLs found in the feed at `feedURL`.
    public static func ofFeed(_ feedURL: String) -> TransferOrigin {
        feedURL.lowercased().hasPrefix("file:") ? .local : .remote
    }

    var protocols: String { self == .local ? "http,https,file" : "http,https" }

    /// nil when `url`'s scheme may be fetched; otherwise the sentence refusing it.
    public func refusal(_ url: String) -> String? {
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if scheme == "http" || scheme == "https" || (scheme == "file" && self == .local) { return nil }
        if scheme == "file" {
            return "\(url) is a local file, and a feed fetched from the network may point only at http:// and https:// addresses; refusing it."
        }
        return "\(url) is not an http:// or https:// address; refusing it."
    }
}
