import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Seek: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Go to a time: SS, MM:SS, HH:MM:SS, 1m30s or 50%; +30, -15, +1m or -10% to move relative.",
        discussion: "A negative time is read as a time, not an option: `wdfctl seek -15` and `wdfctl seek -- -15` both go back 15 s.")
    // `.allUnrecognized` lets `-15` through as the time instead of an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Where to go.", valueName: "TIME"))
    var times: [String] = []
    @OptionGroup var connection: ConnectionOptions
    /// The words given, without a `--` that ends the options.
    var words: [String] { times.filter { $0 != "--" } }

    func validate() throws {
        guard words.count == 1 else { throw ValidationError("Give one time: SS, MM:SS, HH:MM:SS, 1m30s, 50%, or +30 / -15.") }
        switch TimeFormat.parseSeek(words[0]) {
        case nil:
            throw ValidationError("\"\(words[0])\" is not a time; use SS, MM:SS, HH:MM:SS, 1m30s, 50%, or +30 / -15.")
        case let .time(.absolute(seconds))?, let .time(.relative(seconds))?:
            guard abs(seconds) <= MediaTime.maximum else {
                throw ValidationError("\"\(words[0])\" is too far: a time goes up to \(Int(MediaTime.maximum)) s (about 115 days).")
            }
        case .percent?:
            break
        }
    }

    func run() throws {
        let target = TimeFormat.parseSeek(words[0])
        let reply = try connection.run { client throws(ClientError) in
            switch target {
            case let .time(.absolute(seconds))?: return try client.ask(.seek(.position(seconds)), PlaybackStatus.init(json:))
            case let .time(.relative(seconds))?: return try client.ask(.seek(.offset(seconds)), PlaybackStatus.init(json:))
            case let .percent(share, relative)?:
                // A share of the episode: its length comes from the status.
                let status = try client.ask(.status, PlaybackStatus.init(json:)).value
                guard let duration = status.duration, duration > 0 else {
                    throw .refused(WireError("nothing_playing", "Nothing is playing: \(words[0]) is a share of the episode in play."))
                }
                let seconds = (duration * share / 100 * 1000).rounded() / 1000
                return try client.ask(.seek(relative ? .offset(seconds) : .position(seconds)), PlaybackStatus.init(json:))
            case nil: throw .refused(WireError.badArgument("\"\(words[0])\" is not a time."))
            }
        }
        TerminalText.print(connection.json ? reply.json.serialized : StatusView.status(reply.value))
    }
}
