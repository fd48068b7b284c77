import ArgumentParser
import WDFClient
import WDFCore

struct Chapters: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the chapters of the episode in play, the current one marked.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.run { client throws(ClientError) in try client.call("chapters") }
        TerminalText.print(connection.json ? reply.serialized : StatusView.chapters(reply))
    }
}
