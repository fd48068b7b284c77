import Foundation

/// The test process's scratch root, its shared servers (one per kind, started on first use and
/// ended at exit by the Reaper), and the tools the tests run.
extension SoundServer {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var rootResult: Result<URL, Error>?
    nonisolated(unsafe) private static var removeAtExit: String?
    private static let registry = Registry()

    /// The shared server of `kind`, started on the first call (later calls get the same one, or
    /// the same error); its files are in `ROOT/KIND`.
    package static func shared(_ kind: Kind) async throws -> SoundServer {
        try await registry.server(kind).value
    }

    private actor Registry {
        private var servers: [Kind: Task<SoundServer, Error>] = [:]

        func server(_ kind: Kind) throws -> Task<SoundServer, Error> {
            if let task = servers[kind] { return task }
            let directory = try SoundServer.scratchRoot().appendingPathComponent(kind.rawValue)
            let task = Task {
                let server = try SoundServer(kind: kind, directory: directory)
                do {
                    try await server.start()
                } catch {
                    await server.stop()
                    throw error
                }
                return server
            }
            servers[kind] = task
            return task
        }
    }

    /// The test process's scratch root (mode 0700), made on the first call; removed at exit
    /// unless WDFPLAY_E2E_KEEP is set. Installs the Reaper.
    package static func scratchRoot() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let rootResult { return try rootResult.get() }
        let result = Result { () throws -> URL in
            let path = TemporaryDirectory.make("e2e")
            let keep = ProcessInfo.processInfo.environment["WDFPLAY_E2E_KEEP"] != nil
            if !keep {
                // Runs after the Reaper's handler (atexit handlers run last-registered first).
                removeAtExit = path
                atexit {
                    if let path = SoundServer.removeAtExit { try? FileManager.default.removeItem(atPath: path) }
                }
            }
            Reaper.shared.install(directory: path, removeDirectory: !keep)
            return URL(fileURLWithPath: path)
        }
        rootResult = result
        return try result.get()
    }

    /// The full path of a tool the tests run, or an error saying which package to install.
    package static func tool(_ name: String, package: String = "pulseaudio pulseaudio-utils") throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        // `map(String.init)`: without it `+ ["/usr/bin"]` makes the compiler pick the split into
        // `[ArraySlice<Character>]`, whose elements interpolate as `["/", "u", …]`: the PATH was
        // never searched, only the fallback /usr/bin.
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw StartError("\(name) is not installed; the end-to-end tests need `apt-get install \(package)`.")
    }
}
