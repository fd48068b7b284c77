import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Speed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play faster or slower with the pitch kept: 1.5, +0.1, -0.1 (0.5 to 3.0 in steps of 0.05); nothing shows it.",
        discussion: """
            Heard at once and kept across episodes and restarts (for a series with its own speed in \
            the config's series_speed, for that series). A negative change is read as one, not as an \
            option: `wdfctl speed -0.1`.
            """)
    // `.allUnrecognized` lets `-0.1` through as the change instead of an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("1.5 (a speed), +0.1 or -0.1 (a change); nothing shows it.", valueName: "SPEED"))
    var values: [String] = []
    @OptionGroup var connection: ConnectionOptions
    /// The words given, without a `--` that ends the options.
    var words: [String] { values.filter { $0 != "--" } }

    /// "1.5" → set, "+0.1" / "-0.1" → by, nil when it is no speed (checked by `validate`).
    static func request(_ word: String) -> Command.SpeedRequest? {
        let text = word.hasSuffix("x") || word.hasSuffix("×") ? String(word.dropLast()) : word
        guard let value = Double(text), value.isFinite else { return nil }
        let signed = text.hasPrefix("+") || text.hasPrefix("-")
        guard let steps = Int(exactly: (value * 20).rounded()), abs(Double(steps) - value * 20) < 1e-6 else { return nil }
        let stepped = Double(steps) / 20
        if signed { return stepped != 0 && abs(stepped) <= 2.5 ? .by(stepped) : nil }
        return (0.5...3.0).contains(stepped) ? .set(stepped) : nil
    }

    func validate() throws {
        guard words.count <= 1 else { throw ValidationError("Give one speed: 1.5, or a change: +0.1 or -0.1.") }
        if let word = words.first, Speed.request(word) == nil {
            throw ValidationError("\"\(word)\" is not a speed: give 0.5 to 3.0 in steps of 0.05 (1.25, 1.5, 2), or a change: +0.1 or -0.1.")
        }
    }

    func run() throws {
        let request = words.first.flatMap(Speed.request) ?? .show
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.speed(request), ListeningState.init(json:))
        }
        TerminalText.print(connection.json ? json.serialized : ListeningView.line(reply))
    }
}
