import WDFCore
import WDFPlatform

/// Reads the configuration for the daemon. The TOML parser (TOMLKit, which brings all of
/// Foundation and libstdc++) lives in `wdfplay-config`; the daemon asks it for the effective
/// settings as JSON, which keeps the resident daemon about 5 MiB smaller for a reload about 4 ms
/// slower (measured: Docs/ARCHITECTURE.md, "Config: one definition per key"). No file: defaults,
/// without running anything.
enum ConfigReader {
    static func load(path: String, environment: [String: String]) throws(DaemonError) -> Config {
        let home = XDGPaths(environment: environment).home
        guard FileSystem.exists(path) else { return Config(home: home) }
        guard let tool = Executable.sibling("wdfplay-config", environment: environment) else {
            throw DaemonError("Cannot read \(path): wdfplay-config (which parses it) is neither beside wdfplayd nor on PATH.")
        }
        let result: (status: Int32, output: [UInt8], error: [UInt8])
        do {
            result = try Executable.run([tool, "--json", "--file", path])
        } catch {
            throw DaemonError("Cannot run \(tool) to read \(path): \(error.reason).")
        }
        guard result.status == 0 else {
            let message = String(decoding: result.error, as: UTF8.self).trimmingWhitespace()
            throw DaemonError(message.isEmpty ? "\(path) could not be read (wdfplay-config exited with \(result.status))." : message)
        }
        guard let json = try? JSONParser.parse(Array(result.output.drop(while: { $0 == 0x20 }).prefix(while: { $0 != 0x0A }))),
              let config = Config(json: json) else {
            throw DaemonError("wdfplay-config printed something that is not a configuration: \(String(decoding: result.output.prefix(200), as: UTF8.self))")
        }
        return config
    }
}
