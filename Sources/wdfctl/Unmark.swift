import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Unmark: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove bookmark N (its number in `wdfctl chapters`).")
    @Argument(help: "The bookmark's number in the chapter list.")
    var number: Int
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in try client.ask(.unmark(number: number), UnmarkReply.init(json:)) }
        TerminalText.print(connection.json ? json.serialized : "removed \"\(reply.removed.title)\"")
    }
}
