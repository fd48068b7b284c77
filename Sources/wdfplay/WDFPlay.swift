import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

@main
struct WDFPlay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfplay",
        abstract: "Play an episode of When Diplomacy Fails, continuing where you stopped.",
        discussion: """
            EPISODE is a number in the current series (6), a series and a number ("korean war" 6), \
            `next` (the episode after the last one played), words of a title (sino-soviet), a series \
            name (continue it), a path to an MP3 file, or nothing to continue the last episode. \
            An episode known from the feed but not downloaded is downloaded first. \
            Starts wdfplayd in the background if it is not running. Control playback with wdfctl.
            """,
        version: wdfplayVersion)

    @Argument(help: ArgumentHelp("Episode: N, SERIES N, next, title words, a series, or an MP3 file; nothing for the last one.",
                                 valueName: "episode"),
              completion: .custom(EpisodeCompletion.candidates))
    var words: [String] = []

    @Option(help: ArgumentHelp("Start at TIME (SS, MM:SS or HH:MM:SS) instead of the saved position.", valueName: "TIME"))
    var from: String?

    @Flag(help: "Start from the beginning, ignoring the saved position.")
    var restart = false

    @OptionGroup var connection: ConnectionOptions

    /// Arguments keep their bytes (FileName): `wdfplay` of a file whose name is not UTF-8 plays it.
    /// Whatever the exit, what was printed reached standard output or the status is 74.
    static func main() {
        StandardOutput.checkAtExit()
        main(Array(FileName.commandLineArguments().dropFirst()))
    }

    func validate() throws {
        if let from, TimeFormat.parseClock(Substring(from)) == nil {
            throw ValidationError("--from \"\(from)\" is not a time; use SS, MM:SS or HH:MM:SS.")
        }
        if from != nil && restart { throw ValidationError("--from and --restart cannot be used together.") }
    }

    func run() throws {
        let seconds = from.flatMap { TimeFormat.parseClock(Substring($0)) }
        let play = Command.play(EpisodeWords.selection(words), from: seconds, restart: restart)
        let environment = connection.environment
        let reply = try connection.run(startingDaemon: true) { client throws(ClientError) in
            do throws(ClientError) {
                return try client.ask(play, PlaybackStatus.init(json:))
            } catch let .refused(error) where error.code == "not_downloaded" {
                // Known from the feed only: fetch it (progress on the terminal), then play it.
                guard let fetch = NotDownloaded(error), let guid = fetch.guid, fetch.url != nil else { throw .refused(error) }
                // `--guid=VALUE`: a guid may start with "-", which would read as an option on its own.
                try FeedTool.run(["download", "--guid=\(guid)"], environment: environment)
                // Play what the daemon chose before the download, by its file: the same words asked
                // again could now name two episodes (the new file's name may hold the number too).
                guard let path = FeedTool.downloadedFile(guid: guid, environment: environment) else {
                    return try client.ask(play, PlaybackStatus.init(json:))
                }
                return try client.ask(.play(.path(path), from: seconds, restart: restart), PlaybackStatus.init(json:))
            }
        }
        TerminalText.print(connection.json ? reply.json.serialized : StatusView.playLine(reply.value))
    }
}
