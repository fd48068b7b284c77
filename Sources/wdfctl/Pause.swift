import ArgumentParser
import WDFClient
import WDFProtocol

struct Pause: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Pause (the position is saved).")
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .pause }
}
