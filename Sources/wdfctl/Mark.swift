import ArgumentParser
import WDFClient
import WDFCore

struct Mark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bookmark what you are hearing (numbered on its own beside the chapters; kept across restarts).")
    @Argument(help: ArgumentHelp("A title for it (default: \"Bookmark at MM:SS\").", valueName: "TITLE"))
    var title: [String] = []
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let text = title.joined(separator: " ")
        let reply = try connection.run { client throws(ClientError) in
            try client.call("mark", text.isEmpty ? [] : [("title", .string(text))])
        }
        if connection.json {
            TerminalText.print(reply.serialized)
        } else if let chapter = reply["chapter"], let number = chapter["number"]?.intValue {
            TerminalText.print("★ \(number)  \(TimeFormat.clock(chapter["start"]?.doubleValue ?? 0))  \(chapter["title"]?.stringValue ?? "")")
        }
    }
}
