import ArgumentParser
import WDFClient
import WDFCore

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one line per event (state, seek, chapter, end, output lost) until interrupted.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        _ = try connection.run { client throws(ClientError) in
            _ = try client.call("subscribe")
            client.disableTimeout()
            while true {
                let message = try client.receive()
                guard let event = message["event"]?.stringValue else { continue }
                if connection.json {
                    TerminalText.print(message.serialized)
                } else {
                    TerminalText.print(StatusView.eventLine(event, message["data"] ?? .null))
                }
                fflushStdout()
            }
        }
    }
}
