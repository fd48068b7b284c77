import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Mark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bookmark what you are hearing (numbered on its own beside the chapters; kept across restarts).")
    @Argument(help: ArgumentHelp("A title for it (default: \"Bookmark at MM:SS\").", valueName: "TITLE"))
    var title: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let text = title.joined(separator: " ")
        let (json, reply) = try connection.run { client throws(ClientError) in
            try client.ask(.mark(title: text), MarkReply.init(json:))
        }
        if connection.json {
            TerminalText.print(json.serialized)
        } else if let chapter = reply.chapter {
            TerminalText.print("★ \(chapter.number)  \(TimeFormat.clock(chapter.start))  \(chapter.title)")
        }
    }
}
