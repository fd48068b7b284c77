import Glibc
import WDFCore
import Synchronization

/// The only way the programs write text for people: standard output, standard error (messages,
/// the daemon's log) and the download progress line all go through `clean` here. The tests
/// (`TerminalTextTests.onlyTheFunnelWrites`) fail when a source file prints any other way.
extension TerminalText {
    /// `text` cleaned (lines kept) and a newline, on standard output.
    public static func print(_ text: String) {
        write(clean(text) + "\n", to: 1)
    }

    /// `text` cleaned (lines kept) and a newline, on standard error.
    public static func printError(_ text: String) {
        write(clean(text) + "\n", to: 2)
    }

    /// One log line on standard error: `prefix` is the program's own (timestamp, level, label),
    /// `message` is cleaned with line breaks escaped, so that it stays one line.
    public static func log(prefix: String, _ message: String) {
        write(prefix + clean(message, lines: .escaped) + "\n", to: 2)
    }

    /// Redraws the current line of standard error in place (a progress line on a terminal):
    /// carriage return, erase the line, then `line` cleaned to one line. The only escape
    /// sequence the programs write is this one, and it is theirs.
    public static func redrawError(_ line: String) {
        write("\r\u{1B}[K" + clean(line, lines: .escaped), to: 2)
    }

    /// The errno of the first write to standard output that failed, 0 while none has: a client
    /// checks it before exiting (`wdfctl status > /dev/full` must not exit 0).
    public static var standardOutputError: Int32 { stdoutError.load(ordering: .relaxed) }
    private static let stdoutError = Atomic<Int32>(0)

    /// Writes all of `text`, retrying after a signal and a short write. A closed or failing
    /// output is given up on (standard output's failure is kept in `standardOutputError`).
    private static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard var base = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n: Int
                do throws(SystemError) {
                    n = try sys("write", "standard output") { Glibc.write(fd, base, left) }
                } catch {
                    if fd == 1 { _ = stdoutError.compareExchange(expected: 0, desired: error.code, ordering: .relaxed) }
                    return
                }
                if n == 0 { return }
                base += n
                left -= n
            }
        }
    }
}

/// One line on stderr, through `TerminalText` (a message often names a stranger's text): the
/// programs' one `printError`.
public func printError(_ message: String) {
    TerminalText.printError(message)
}
