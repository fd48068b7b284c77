import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the daemon read its config file again (as SIGHUP does); a bad file is reported and the settings in effect kept.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.reload) { (data: JSON) throws(WireError) in try SmallReply(json: data, command: .reload) }
        }
        guard case let .reloaded(path) = reply else { return }
        TerminalText.print(connection.json ? json.serialized : "reloaded \(path)")
    }
}
