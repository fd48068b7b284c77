import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Silence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Skip silence: off, mild, medium or strong; nothing shows it.",
        discussion: """
            Pauses longer than 1 s (mild), 0.6 s (medium) or 0.35 s (strong), judged against the \
            episode's own level, are shortened to 0.5 s, 0.3 s or 0.2 s; speech is never cut. Heard at \
            once, kept across episodes and restarts.
            """)
    @Argument(help: ArgumentHelp("off, mild, medium or strong; nothing shows it.", valueName: "MODE"),
              completion: .list(SilenceMode.allCases.map(\.rawValue)))
    var mode: String?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let mode, SilenceMode(rawValue: mode.lowercased()) == nil {
            throw ValidationError("\"\(mode)\" is no skip silence mode: give off, mild, medium or strong.")
        }
    }

    func run() throws {
        let wanted = mode.flatMap { SilenceMode(rawValue: $0.lowercased()) }
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.silence(wanted), ListeningState.init(json:))
        }
        TerminalText.print(connection.json ? json.serialized : ListeningView.line(reply))
    }
}
