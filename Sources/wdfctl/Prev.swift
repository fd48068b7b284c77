import ArgumentParser
import WDFClient
import WDFProtocol
import WDFCore

struct Prev: SimpleCommand {
    static let configuration = CommandConfiguration(
        abstract: "Go to the start of this chapter, or to the previous one within its first 5 seconds.",
        aliases: ["previous"])
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .prev }

    func explain(_ error: WireError) -> WireError { explainNoChapters(error, command: command) }
}
