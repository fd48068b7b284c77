import CLinux
import Glibc
import WDFCore
import WDFPlatform

/// The end of a client's output: what was printed must have been written, or the exit status
/// says it was not (`wdfctl status > /dev/full` fails with 74 and a sentence, as `cat` does).
public enum StandardOutput {
    /// Flushes standard output; on a write error says so on stderr and exits 74 (EX_IOERR).
    public static func check() {
        guard let reason = failure() else { return }
        printError(reason)
        exit(74)
    }

    /// `check()`, then exits with `status`.
    public static func finish(_ status: Int32) -> Never {
        check()
        exit(status)
    }

    /// Makes every exit of the program `check()` standard output first: also the exits that
    /// ArgumentParser makes itself after printing through stdio (`--help`, `--version`, a
    /// command's `run` returning). Called first thing in `main`; a program whose output failed
    /// ends with 74 and the sentence whatever status it was about to exit with.
    public static func checkAtExit() {
        // atexit(3) fails only when it cannot allocate its list, at start-up: then the program
        // would exit 0 after a failed write, so it does not start. The handler must not call
        // `exit` again from inside `exit`, hence `_exit`.
        let registered = atexit {
            guard let reason = StandardOutput.failure() else { return }
            printError(reason)
            _exit(74)
        }
        guard registered == 0 else {
            printError("Cannot arrange to check standard output at exit (atexit failed).")
            exit(71)
        }
    }

    /// "Cannot write to standard output: <reason>." when a write to it failed (the first
    /// failure), nil when everything written so far has reached it.
    private static func failure() -> String? {
        // TerminalText writes standard output itself; the parser's help goes through stdio.
        var failure = TerminalText.standardOutputError
        if wdf_flush_stdout() != 0, failure == 0 { failure = errno }
        if failure == 0 { return nil }
        return "Cannot write to standard output: \(String(cString: strerror(failure)))."
    }
}
