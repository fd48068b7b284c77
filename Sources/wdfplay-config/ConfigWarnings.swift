import WDFCore
import WDFPlatform

/// Settings that parse but will not work as they stand: each a sentence naming the key.
enum ConfigWarnings {
    static func check(_ config: Config, environment: [String: String] = Environment.current) -> [String] {
        var warnings: [String] = []
        if !config.libraryIsDefault, !FileSystem.isDirectory(config.library) {
            warnings.append("library: the folder \(config.library) does not exist; wdfplay will find no episodes there.")
        }
        if !config.audioDevice.isEmpty, let sinks = soundServerSinks(environment: environment), !sinks.contains(config.audioDevice) {
            let known = sinks.isEmpty ? "it has none" : "it has " + sinks.map { "\"\($0)\"" }.joined(separator: ", ")
            warnings.append("audio_device: the sound server has no sink \"\(config.audioDevice)\" (\(known)); the default one will be used.")
        }
        return warnings
    }

    /// The sink names `pactl list short sinks` gives, or nil when it cannot be asked (no pactl,
    /// no server): then nothing is said about the sink.
    static func soundServerSinks(environment: [String: String]) -> [String]? {
        guard let pactl = Executable.sibling("pactl", environment: environment),
              let result = try? Executable.run([pactl, "list", "short", "sinks"]), result.status == 0 else { return nil }
        return String(decoding: result.output, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            return fields.count > 1 ? String(fields[1]) : nil
        }
    }
}
