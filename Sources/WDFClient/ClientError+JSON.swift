import WDFCore
import WDFPlatform

extension ClientError {
    /// What `--json` prints on stdout for a refusal: `{"error":{"code":…,"message":…,"detail":…}}`
    /// with the daemon's code, message and detail (the candidates of an ambiguous name). Nil when
    /// the daemon could not be asked (stdout stays empty; the exit status, 69 or 74, says why) and
    /// for a helper program's failure (it printed its own).
    public var json: JSON? {
        guard case let .refused(error) = self else { return nil }
        return .object([("error", error.json)])
    }

    /// Says what went wrong: the sentence on stderr, and with `json` also the error object on
    /// stdout (so that `wdfctl … --json | jq` sees why).
    public func report(json: Bool) {
        if json, let object = self.json {
            TerminalText.print(object.serialized)
            fflushStdout()
        }
        if !description.isEmpty { printError(description) }
    }
}
