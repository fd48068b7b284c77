import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Quit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Save positions and stop the daemon.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in try client.call(.quit) }
        if connection.json { TerminalText.print(reply.serialized) }
    }
}
