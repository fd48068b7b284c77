import ArgumentParser
import WDFClient
import WDFCore

@main
struct WDFPlay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfplay",
        abstract: "Play an episode of When Diplomacy Fails, continuing where you stopped.",
        discussion: """
            EPISODE is a number in the series (6), a path to an MP3 file, or nothing to continue the \
            last episode. Starts wdfplayd in the background if it is not running. Control playback with wdfctl.
            """,
        version: wdfplayVersion)

    @Argument(help: "Episode number, MP3 file, or nothing for the last episode.")
    var episode: String?

    @Option(help: ArgumentHelp("Start at TIME (SS, MM:SS or HH:MM:SS) instead of the saved position.", valueName: "TIME"))
    var from: String?

    @Flag(help: "Start from the beginning, ignoring the saved position.")
    var restart = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let from, TimeFormat.parseClock(Substring(from)) == nil {
            throw ValidationError("--from \"\(from)\" is not a time; use SS, MM:SS or HH:MM:SS.")
        }
        if from != nil && restart { throw ValidationError("--from and --restart cannot be used together.") }
    }

    func run() throws {
        var arguments: [(String, JSON)] = []
        if let episode {
            let trimmed = episode.trimmingWhitespace()
            if let number = Int(trimmed) {
                arguments.append(("episode", .number(Double(number))))
            } else {
                arguments.append(("episode", .string(absolutePath(trimmed))))
            }
        }
        if let from, let seconds = TimeFormat.parseClock(Substring(from)) { arguments.append(("from", .number(seconds))) }
        if restart { arguments.append(("restart", true)) }
        let reply = try connection.run(startingDaemon: true) { client throws(ClientError) in
            try client.call("play", arguments)
        }
        print(connection.json ? reply.serialized : StatusView.playLine(reply))
    }
}
