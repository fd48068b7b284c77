import ArgumentParser
import WDFClient
import WDFCore

struct ChapterCommand: SimpleCommand {
    static let configuration = CommandConfiguration(commandName: "chapter", abstract: "Go to chapter N (1-based).")
    @Argument(help: "Chapter number.")
    var number: Int
    @OptionGroup var connection: ConnectionOptions
    var command: String { "chapter" }
    var arguments: [(String, JSON)] { [("number", .number(Double(number)))] }

    func validate() throws {
        if number < 1 { throw ValidationError("Chapters are numbered from 1.") }
    }
}
