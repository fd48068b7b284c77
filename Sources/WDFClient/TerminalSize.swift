import Glibc
import WDFCore

/// The width of the terminal the output goes to.
public enum TerminalSize {
    /// Whether standard output is a terminal.
    public static var isTerminal: Bool { isatty(1) != 0 }

    /// Columns: the terminal's (TIOCGWINSZ on standard output), else `$COLUMNS`, else 80.
    public static var columns: Int {
        var size = winsize()
        if isatty(1) != 0, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return columns(environment: Environment.current)
    }

    /// `$COLUMNS` when it is a sane number, else 80.
    public static func columns(environment: [String: String]) -> Int {
        if let text = environment["COLUMNS"], let value = Int(text), (1...10_000).contains(value) { return value }
        return 80
    }
}
