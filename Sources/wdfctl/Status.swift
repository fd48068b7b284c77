import ArgumentParser
import WDFClient

struct Status: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "What plays, where, which chapter, with a progress bar.")
    @OptionGroup var connection: ConnectionOptions
    var command: String { "status" }
}
