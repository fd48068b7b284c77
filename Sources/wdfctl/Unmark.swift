import ArgumentParser
import WDFClient
import WDFCore

struct Unmark: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove bookmark N (its number in `wdfctl chapters`).")
    @Argument(help: "The bookmark's number in the chapter list.")
    var number: Int
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in try client.call("unmark", [("number", .number(Double(number)))]) }
        TerminalText.print(connection.json ? reply.serialized : "removed \"\(reply["removed"]?["title"]?.stringValue ?? "")\"")
    }
}
