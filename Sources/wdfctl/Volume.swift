import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Volume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the volume, set it (60, 0 to 150 percent), or change it (+5, -5).",
        discussion: """
            The volume is the stream's own, as a mixer (pavucontrol) shows it; one set there is adopted. \
            It is kept across episodes and restarts; the config's `volume` is where it starts. \
            `wdfctl volume -5` and `wdfctl volume -- -5` both lower it by 5.
            """)
    // `.allUnrecognized` lets `-5` through as the change instead of an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("60, +5 or -5; nothing shows it.", valueName: "PERCENT"))
    var values: [String] = []
    @OptionGroup var connection: ConnectionOptions
    var words: [String] { values.filter { $0 != "--" } }

    /// "60" → set 60, "+5" → change 5, "-5" → change -5, "60%" too; nil for anything else.
    static func request(_ text: String) -> Command.VolumeRequest? {
        var digits = Substring(text.hasSuffix("%") ? String(text.dropLast()) : text)
        var sign = 0
        if digits.first == "+" { sign = 1 } else if digits.first == "-" { sign = -1 }
        if sign != 0 { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else {
            return nil
        }
        return sign == 0 ? .set(n) : .change(sign * n)
    }

    var request: Command.VolumeRequest { words.first.flatMap(Volume.request) ?? .show }

    func validate() throws {
        guard words.count <= 1 else { throw ValidationError("Give one volume: 60 (percent), +5 or -5.") }
        guard let word = words.first else { return }
        switch Volume.request(word) {
        case nil: throw ValidationError("\"\(word)\" is not a volume; give a percent from 0 to 150, or +5 / -5.")
        case let .set(n)? where !Command.volumeRange.contains(n):
            throw ValidationError("The volume goes from 0 to 150 percent; \(word) is outside.")
        case let .change(n)? where abs(n) > 150:
            throw ValidationError("A change of \(word) is more than the whole range (0 to 150 percent).")
        default: break
        }
    }

    func run() throws {
        let request = request
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.volume(request)) { (json: JSON) throws(WireError) in try SmallReply(json: json, command: .volume(request)) }
        }
        guard case let .volume(percent) = reply else { return }
        TerminalText.print(connection.json ? json.serialized : "Volume \(percent) %")
    }
}
