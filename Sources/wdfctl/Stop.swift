import ArgumentParser
import WDFClient

struct Stop: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Stop playing (the daemon stays; the position is kept).")
    @OptionGroup var connection: ConnectionOptions
    var command: String { "stop" }
}
