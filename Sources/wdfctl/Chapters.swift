import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Chapters: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the chapters of the episode in play, the current one marked.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let (json, reply) = try connection.run { client throws(ClientError) in try client.ask(.chapters, ChapterInfo.list(json:)) }
        TerminalText.print(connection.json ? json.serialized : StatusView.chapters(reply))
    }
}
