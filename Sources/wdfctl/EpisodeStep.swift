import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

/// `next-episode` and `prev-episode`: the neighbour by number, in its series, of the episode in
/// play (mpc's next and previous track). It starts where you left it, as `wdfplay N` does; one
/// known from the feed only is downloaded first.
struct NextEpisode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next-episode",
        abstract: "Play the next episode of the series (the lowest number above the one in play).")
    @OptionGroup var connection: ConnectionOptions

    func run() throws { try step(forward: true, connection: connection) }
}

struct PrevEpisode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prev-episode",
        abstract: "Play the previous episode of the series (the highest number below the one in play).",
        aliases: ["previous-episode"])
    @OptionGroup var connection: ConnectionOptions

    func run() throws { try step(forward: false, connection: connection) }
}

private func step(forward: Bool, connection: ConnectionOptions) throws {
    let environment = connection.environment
    let reply = try connection.run { client throws(ClientError) in
        let status = try client.ask(.status, PlaybackStatus.init(json:)).value
        guard let episode = status.episode else {
            throw .refused(WireError("nothing_playing", forward
                ? "Nothing is playing; `wdfplay next` plays the episode after the last one played."
                : "Nothing is playing, so there is no previous episode; `wdfplay N` plays episode N."))
        }
        let title = episode.title
        guard let number = episode.number, let series = episode.series else {
            throw .refused(WireError("unknown_episode", "\"\(title)\" has no number in a series, so it has no \(forward ? "next" : "previous") episode."))
        }
        let list = try client.ask(.episodes(series: series, all: false), EpisodeList.init(json:)).value
        let numbers = list.episodes.compactMap { item -> (Int, EpisodeSummary)? in
            item.number.map { ($0, item) }
        }
        let neighbour = forward ? numbers.filter { $0.0 > number }.min { $0.0 < $1.0 } : numbers.filter { $0.0 < number }.max { $0.0 < $1.0 }
        guard let (next, item) = neighbour else {
            throw .refused(WireError("unknown_episode", forward
                ? "#\(number) is the last episode of \(series); there is no next one yet."
                : "#\(number) is the first episode of \(series)."))
        }
        let play = Command.play(item.path.map { .path($0) } ?? .query(.number(next, series: series)), from: nil, restart: false)
        do throws(ClientError) {
            return try client.ask(play, PlaybackStatus.init(json:))
        } catch let .refused(error) where error.code == "not_downloaded" {
            guard let fetch = NotDownloaded(error), let guid = fetch.guid, fetch.url != nil else { throw .refused(error) }
            try FeedTool.run(["download", "--guid", guid], environment: environment)
            return try client.ask(play, PlaybackStatus.init(json:))
        }
    }
    TerminalText.print(connection.json ? reply.json.serialized : StatusView.playLine(reply.value))
}
