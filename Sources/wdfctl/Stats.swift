import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The speed, skip silence, and the time skipping silence saved in this episode and in all.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.speed(.show), ListeningState.init(json:))
        }
        TerminalText.print(connection.json ? json.serialized : ListeningView.stats(reply))
    }
}
