import Glibc
import ArgumentParser
import WDFClient
import WDFConfig
import WDFCore
import WDFPlatform

@main
struct WDFPlayConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdfplay-config",
        abstract: "Check config.toml and print the settings wdfplay will use.",
        discussion: """
            Reads $XDG_CONFIG_HOME/wdfplay/config.toml (or --file). A mistake is reported as one line \
            naming the file, line and key, with exit status 1; so is a --file that does not exist (without \
            --file, no file means all defaults). A setting that parses but will not work as it stands (a \
            library folder that does not exist, an audio_device the sound server does not have) is a \
            warning naming the key, on stderr. wdfplayd runs this program to read its configuration. \
            Every key and its default is documented in wdfplay.conf(5) and the config.toml the project ships.
            """,
        version: wdfplayVersion)

    @Option(help: "The configuration file (default: $XDG_CONFIG_HOME/wdfplay/config.toml).")
    var file: String?

    @Flag(help: "Print the settings as one JSON object.")
    var json = false

    /// Whatever the exit, what was printed reached standard output or the status is 74
    /// (`wdfplay-config > /dev/full` fails).
    static func main() {
        StandardOutput.checkAtExit()
        main(nil)
    }

    func run() throws {
        let environment = Environment.current
        let path = file ?? Config.defaultPath(environment: environment)
        if let file, !FileSystem.exists(file) {
            printError("\(file) does not exist; without --file, \(Config.defaultPath(environment: environment)) is read (absent: all defaults).")
            throw ExitCode(1)
        }
        let config: Config
        do {
            config = try ConfigFile.load(path: path)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        if json {
            TerminalText.print(config.json.serialized)
            return
        }
        for warning in ConfigWarnings.check(config) { printError("warning: \(path): \(warning)") }
        TerminalText.print("# \(path)\(FileSystem.exists(path) ? "" : " (absent: all defaults)")")
        if case let .object(pairs) = config.json {
            for (key, value) in pairs where key != "library_is_default" {
                TerminalText.print("\(key) = \(value.serialized)")
            }
        }
    }
}
