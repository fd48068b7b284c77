/// What a request's `episode` and `series` name: a query for the catalog, or a file. The client
/// reads the listener's words into it, the protocol checks it once, the daemon resolves it
/// against the catalog (`EpisodeResolver`).
public enum EpisodeSelection: Sendable, Equatable {
    case query(EpisodeQuery)
    case path(String)

    /// `episode`: a number (or its text), "next", an absolute path, or words; `series`: a series
    /// name, alone (continue it) or with a number or words. nil when neither names anything.
    public init?(episode: JSON, series: String?) throws(WireError) {
        let series = series?.trimmingWhitespace()
        if episode.isNull {
            guard let series, !series.isEmpty else { return nil }
            self = .query(.text(series))
            return
        }
        if let number = episode.intValue {
            self = .query(.number(number, series: series))
            return
        }
        guard let text = episode.stringValue?.trimmingWhitespace(), !text.isEmpty else {
            throw .badArgument("\"episode\" must be a number, words of a title, \"next\" or a file path, not \(episode.serialized).")
        }
        if let number = Int(text) {
            self = .query(.number(number, series: series))
        } else if text.hasPrefix("/") {
            self = .path(text)
        } else if text.lowercased() == "next" {
            self = .query(.next)
        } else if let series, !series.isEmpty {
            self = .query(.text(series + " " + text))
        } else {
            self = .query(.text(text))
        }
    }
}
