import Glibc

/// Where wdfplay keeps things, after the XDG Base Directory specification.
public struct XDGPaths: Sendable, Equatable {
    public var home: String
    public var runtimeDirectory: String
    public var stateDirectory: String
    public var configFile: String
    public var cacheDirectory: String

    public init(environment env: [String: String]) {
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        self.home = home
        func dir(_ key: String, _ fallback: String) -> String {
            // The spec says relative values are invalid and must be ignored.
            if let value = env[key], value.hasPrefix("/") { return value }
            return fallback
        }
        // Without $XDG_RUNTIME_DIR: a folder in /tmp of this user's own, named by the uid (a
        // $USER may be unset or name someone else).
        let runtime = dir("XDG_RUNTIME_DIR", "/tmp/wdfplay-\(getuid())")
        runtimeDirectory = runtime + "/wdfplay"
        stateDirectory = dir("XDG_STATE_HOME", home + "/.local/state") + "/wdfplay"
        configFile = dir("XDG_CONFIG_HOME", home + "/.config") + "/wdfplay/config.toml"
        cacheDirectory = dir("XDG_CACHE_HOME", home + "/.cache") + "/wdfplay"
    }

    /// The control socket: `--socket`, else `$WDFPLAY_SOCKET`, else `$XDG_RUNTIME_DIR/wdfplay/control.sock`.
    public func socketPath(override: String?, environment env: [String: String]) -> String {
        if let override, !override.isEmpty { return override }
        if let fromEnv = env["WDFPLAY_SOCKET"], !fromEnv.isEmpty { return fromEnv }
        return runtimeDirectory + "/control.sock"
    }

    /// `~/x` → `$HOME/x`.
    public func expandingTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
