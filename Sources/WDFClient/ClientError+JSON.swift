import WDFCore

extension ClientError {
    /// What `--json` prints on stdout for this error: `{"error":{"code":…,"message":…,"detail":…}}`
    /// with the daemon's code, message and detail (the candidates of an ambiguous name), or
    /// `not_running` / `connection_failed` when the daemon could not be asked. Nil for a helper
    /// program's failure (it printed its own).
    public var json: JSON? {
        switch self {
        case let .refused(error): return .object([("error", error.json)])
        case .notRunning: return .object([("error", WireError("not_running", description).json)])
        case .connection: return .object([("error", WireError("connection_failed", description).json)])
        case .silent: return nil
        }
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
