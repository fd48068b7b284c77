import Glibc
import WDFCore

/// Lines on stderr, labelled by subsystem (`wdf.player`, `wdf.server` …).
///
/// Under systemd (`$JOURNAL_STREAM` set) each line starts with its syslog priority (`<3>` … `<7>`)
/// and carries no timestamp (the journal adds one); otherwise a local timestamp leads. Messages
/// go through `TerminalText` (controls shown as `^[`, `<U+009B>`; one line each).
public struct Log: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace = 8, debug = 7, info = 6, notice = 5, warning = 4, error = 3

        public static func < (a: Level, b: Level) -> Bool { a.rawValue > b.rawValue }

        public var name: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            }
        }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = level
        }
    }

    public let label: String
    public init(_ label: String) { self.label = label }

    nonisolated(unsafe) private static var threshold: Level = .info
    nonisolated(unsafe) private static var journal = false

    /// Set once at start-up (and on reload) before other threads log.
    public static func configure(threshold: Level, environment: [String: String]) {
        Log.threshold = threshold
        Log.journal = environment["JOURNAL_STREAM"] != nil
    }

    public func error(_ message: @autoclosure () -> String) { emit(.error, message) }
    public func warning(_ message: @autoclosure () -> String) { emit(.warning, message) }
    public func notice(_ message: @autoclosure () -> String) { emit(.notice, message) }
    public func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }

    private func emit(_ level: Level, _ message: () -> String) {
        guard level >= Log.threshold else { return }
        // The message often names a stranger's text (a title, a file name): TerminalText cleans
        // it and keeps it on one line, so it can neither reach a terminal tailing the log nor
        // forge a line (or a journal priority) of its own.
        let prefix = Log.journal ? "<\(min(level.rawValue, 7))>\(label): " : "\(Log.timestamp()) \(level.name) \(label): "
        TerminalText.log(prefix: prefix, message())
    }

    private static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = Int(ts.tv_nsec / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)"
    }
}
