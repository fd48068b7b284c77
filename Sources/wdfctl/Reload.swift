import ArgumentParser
import WDFClient
import WDFCore

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the daemon read its config file again (as SIGHUP does); a bad file is reported and the settings in effect kept.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in try client.call("reload") }
        TerminalText.print(connection.json ? reply.serialized : "reloaded \(reply["reloaded"]?.stringValue ?? "the configuration")")
    }
}
