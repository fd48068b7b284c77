import WDFCore

/// Every command the daemon knows: its name, the one-line summary `help` replies with, and its
/// arguments. `help` and the table of commands in Docs/protocol.md come from here (a test holds
/// the document to it); `Command.read` reads exactly these arguments.
public enum CommandCatalog {
    public struct Argument: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// Seconds, at most `MediaTime.maximum` either way.
            case seconds
            case wholeNumber = "whole number"
            case text
            case flag = "true/false"
            /// A plain number (a speed, a step of speed).
            case number
            /// A number, "next", words or a path (`EpisodeSelection`).
            case episode
        }

        public var name: String
        public var kind: Kind
        /// Another name for `aliasOf` (`path` for `episode`); documented with it.
        public var aliasOf: String?

        public init(_ name: String, _ kind: Kind, aliasOf: String? = nil) {
            self.name = name
            self.kind = kind
            self.aliasOf = aliasOf
        }
    }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var summary: String
        public var arguments: [Argument]
    }

    static let episodeArguments = [Argument("episode", .episode), Argument("path", .text, aliasOf: "episode"), Argument("series", .text)]

    /// In the order `help` lists them.
    public static let entries: [Entry] = [
        Entry(name: "play", summary: "play an episode: {episode: N | \"next\" | TITLE WORDS | path, series?: NAME, from?: s, restart?: bool}; none = the last one",
              arguments: episodeArguments + [Argument("from", .seconds), Argument("restart", .flag)]),
        Entry(name: "pause", summary: "pause", arguments: []),
        Entry(name: "resume", summary: "resume; when stopped, play the last episode (or the next, once it is finished)", arguments: []),
        Entry(name: "toggle", summary: "pause if playing, else resume (as `resume` does when stopped)", arguments: []),
        Entry(name: "seek", summary: "seek: {position: s} absolute, or {offset: ±s} relative",
              arguments: [Argument("position", .seconds), Argument("offset", .seconds)]),
        Entry(name: "next", summary: "next chapter", arguments: []),
        Entry(name: "prev", summary: "previous chapter (the start of this one after its first 5 s)", arguments: []),
        Entry(name: "chapter", summary: "go to chapter {number: N} (1-based), the first whose title contains {title: TEXT}, or {bookmark: N}",
              arguments: [Argument("number", .wholeNumber), Argument("title", .text), Argument("bookmark", .wholeNumber)]),
        Entry(name: "mark", summary: "bookmark the heard position as a chapter of your own: {title?: TEXT}", arguments: [Argument("title", .text)]),
        Entry(name: "unmark", summary: "remove bookmark {number: N} (the bookmark's own number, ★N in the chapter list)",
              arguments: [Argument("number", .wholeNumber)]),
        Entry(name: "chapters", summary: "the chapters of the episode in play", arguments: []),
        Entry(name: "episodes", summary: "the episodes of a series: {series?: NAME} (default: the current series), or {all: true}",
              arguments: [Argument("series", .text), Argument("all", .flag)]),
        Entry(name: "info", summary: "an episode's page (title, date, length, chapters, show notes): {episode?, series?}; none = the one in play or last",
              arguments: episodeArguments),
        Entry(name: "played", summary: "mark an episode played: {episode, series?}", arguments: episodeArguments),
        Entry(name: "unplayed", summary: "mark an episode new again (its position is forgotten): {episode, series?}", arguments: episodeArguments),
        Entry(name: "status", summary: "what plays, where, which chapter", arguments: []),
        Entry(name: "sleep", summary: "sleep timer: {seconds: N} of listening, {at: \"chapter\"|\"episode\"} end, {off: true}; {} shows it",
              arguments: [Argument("seconds", .seconds), Argument("at", .text), Argument("off", .flag)]),
        Entry(name: "speed", summary: "playback speed, pitch kept: {speed: 0.5…3.0} or {by: ±step} (steps of 0.05); {} shows it",
              arguments: [Argument("speed", .number), Argument("by", .number)]),
        Entry(name: "silence", summary: "skip silence: {mode: \"off\"|\"mild\"|\"medium\"|\"strong\"}; {} shows it",
              arguments: [Argument("mode", .text)]),
        Entry(name: "volume", summary: "volume in percent: {percent: 0–150} sets it, {change: ±N} moves it; {} shows it; kept across episodes and restarts",
              arguments: [Argument("percent", .wholeNumber), Argument("change", .wholeNumber)]),
        Entry(name: "stop", summary: "stop playing (the position is kept)", arguments: []),
        Entry(name: "quit", summary: "save and exit the daemon", arguments: []),
        Entry(name: "reload", summary: "read the config file again, as SIGHUP does; a bad file is refused and the settings in effect kept",
              arguments: []),
        Entry(name: "subscribe", summary: "push events (state, seek, chapter, end, output_lost) to this connection", arguments: []),
        Entry(name: "unsubscribe", summary: "stop pushing events", arguments: []),
        Entry(name: "ping", summary: "check the daemon is alive", arguments: []),
        Entry(name: "help", summary: "the commands", arguments: []),
    ]

    public static func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The `help` reply: `[{command, summary}, …]`.
    public static var helpJSON: JSON {
        .array(entries.map { ["command": .string($0.name), "summary": .string($0.summary)] })
    }
}
