import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct ChapterCommand: SimpleCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter", abstract: "Go to chapter N (1-based), or to the first chapter whose title contains TEXT.")
    @Argument(help: ArgumentHelp("A chapter number, or words from its title (any case).", valueName: "N|TEXT"))
    var words: [String] = []
    var chapter: String { words.joined(separator: " ") }
    @OptionGroup var connection: ConnectionOptions
    var command: Command {
        if let number = Int(chapter) { return .chapter(.number(number)) }
        return .chapter(.title(chapter.trimmingWhitespace()))
    }

    func validate() throws {
        if let number = Int(chapter), number < 1 { throw ValidationError("Chapters are numbered from 1.") }
        if chapter.trimmingWhitespace().isEmpty { throw ValidationError("Give a chapter number or some text from its title.") }
    }
}
