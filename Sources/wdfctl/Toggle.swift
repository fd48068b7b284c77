import ArgumentParser
import WDFClient

struct Toggle: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Pause if playing, else resume.")
    @OptionGroup var connection: ConnectionOptions
    var command: String { "toggle" }
}
