import CLinux
import Glibc
import WDFCore

/// The end of a client's output: what was printed must have been written, or the exit status
/// says it was not (`wdfctl status > /dev/full` fails with 74 and a sentence, as `cat` does).
public enum StandardOutput {
    /// Flushes standard output; on a write error says so on stderr and exits 74 (EX_IOERR).
    public static func check() {
        // TerminalText writes standard output itself; the parser's help goes through stdio.
        var failure = TerminalText.standardOutputError
        if wdf_flush_stdout() != 0, failure == 0 { failure = errno }
        if failure == 0 { return }
        let reason = String(cString: strerror(failure))
        printError("Cannot write to standard output: \(reason).")
        exit(74)
    }

    /// `check()`, then exits with `status`.
    public static func finish(_ status: Int32) -> Never {
        check()
        exit(status)
    }
}
