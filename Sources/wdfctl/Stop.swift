import ArgumentParser
import WDFClient
import WDFProtocol

struct Stop: SimpleCommand {
    static let configuration = CommandConfiguration(abstract: "Stop playing (the daemon stays; the position is kept).")
    @OptionGroup var connection: ConnectionOptions
    var command: Command { .stop }
}
