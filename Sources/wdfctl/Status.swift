import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What plays, where, which chapter, with a progress bar (the default command).",
        discussion: """
            --short prints one line for status bars. --format prints FORMAT with each {{field}} \
            replaced: \(StatusView.formatFields.map { "{{\($0.name)}} (\($0.meaning))" }.joined(separator: ", ")). \
            A field with no value (no chapters, nothing playing) is empty.
            """)
    @Flag(help: "One line for status bars: the state sign, title, position/length and chapter.")
    var short = false
    @Option(help: ArgumentHelp("Print this instead, e.g. '{{title}} {{position}}/{{length}} {{chapter}}'.", valueName: "FORMAT"))
    var format: String?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let format {
            let unknown = StatusView.unknownFields(in: format)
            if !unknown.isEmpty {
                throw ValidationError("--format: no field called \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")); "
                                      + "the fields are \(StatusView.formatFields.map(\.name).joined(separator: ", ")).")
            }
        }
        if short, format != nil { throw ValidationError("--short and --format cannot be used together.") }
        if connection.json, short || format != nil { throw ValidationError("--json prints the whole status; leave out --short and --format.") }
    }

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in try client.ask(.status, PlaybackStatus.init(json:)) }
        if connection.json {
            TerminalText.print(json.serialized)
        } else if let format {
            TerminalText.print(StatusView.formatted(reply, format))
        } else if short {
            TerminalText.print(StatusView.shortLine(reply))
        } else {
            TerminalText.print(StatusView.status(reply))
        }
    }
}
