import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Sleep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause after a while (20m, 90s, 1h30m), at the end of this chapter or episode; off; or show it.",
        discussion: "A short fade-out comes first; playback resumes where the fade began.")

    @Argument(help: ArgumentHelp("20m, 45s, 1h30m, a number of minutes, chapter, episode or off; nothing shows the timer.",
                                 valueName: "WHEN"),
              completion: .list(["chapter", "episode", "off", "10m", "20m", "30m", "45m", "1h"]))
    var when: String?

    @OptionGroup var connection: ConnectionOptions

    /// "20m" → 1200, "1h30m" → 5400, "90s" → 90, "20" → 1200 (minutes).
    static func seconds(_ text: String) -> Double? {
        guard let total = parsedSeconds(text), MediaTime.isValid(total) else { return nil }
        return total
    }

    private static func parsedSeconds(_ text: String) -> Double? {
        if let minutes = Double(text), minutes > 0 { return minutes * 60 }
        var total = 0.0
        var number = ""
        for c in text.lowercased() {
            if c.isNumber || c == "." { number.append(c); continue }
            guard let value = Double(number) else { return nil }
            switch c {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total > 0 ? total : nil
    }

    var request: Command.SleepRequest {
        switch when?.lowercased() {
        case nil: return .show
        case "off"?: return .off
        case "chapter"?: return .chapterEnd
        case "episode"?: return .episodeEnd
        case let text?: return Sleep.seconds(text).map { .listening($0) } ?? .show
        }
    }

    func validate() throws {
        if let when, !["off", "chapter", "episode"].contains(when.lowercased()), Sleep.seconds(when) == nil {
            throw ValidationError("\"\(when)\" is not a duration (20m, 90s, 1h30m), chapter, episode or off.")
        }
        if let when, let seconds = Sleep.seconds(when), seconds > 24 * 3600 {
            throw ValidationError("A sleep timer can be at most 24 hours; \(when) is longer.")
        }
    }

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in try client.ask(.sleep(request), SleepState.init(json:)) }
        TerminalText.print(connection.json ? json.serialized : StatusView.sleepLine(reply))
    }
}
