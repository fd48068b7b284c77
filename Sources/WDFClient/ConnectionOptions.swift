import ArgumentParser
import Glibc
import WDFCore
import WDFPlatform

/// Flags every client command shares, and the one way they talk to the daemon.
public struct ConnectionOptions: ParsableArguments {
    @Option(help: "Control socket path (default: $WDFPLAY_SOCKET, else $XDG_RUNTIME_DIR/wdfplay/control.sock).")
    public var socket: String?

    @Flag(help: "Print the daemon's reply as one JSON object.")
    public var json = false

    public init() {}

    public var environment: [String: String] { Environment.current }

    public var socketPath: String {
        XDGPaths(environment: environment).socketPath(override: socket, environment: environment)
    }

    /// Connects (starting the daemon first when asked and needed), runs `body`, and turns
    /// failures into one line on stderr and a non-zero exit.
    public func run<T>(startingDaemon: Bool = false, _ body: (ControlClient) throws(ClientError) -> T) throws -> T {
        do throws(ClientError) {
            let client: ControlClient
            do throws(ClientError) {
                client = try ControlClient(socketPath: socketPath)
            } catch {
                guard startingDaemon, case .notRunning = error else { throw error }
                let env = environment
                let log = XDGPaths(environment: env).stateDirectory + "/wdfplayd.log"
                do throws(ClientError) {
                    try DaemonLauncher.start(socketPath: socketPath, logFile: log, environment: env)
                } catch {
                    // Another wdfplay may have started the daemon at the same moment: use it.
                    guard let raced = try? ControlClient(socketPath: socketPath) else { throw error }
                    return try body(raced)
                }
                client = try ControlClient(socketPath: socketPath)
            }
            return try body(client)
        } catch {
            error.report(json: json)
            throw ExitCode(error.exitCode)
        }
    }
}

/// `path` made absolute against the current directory (the daemon has its own).
public func absolutePath(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    let expanded = XDGPaths(environment: Environment.current).expandingTilde(path)
    if expanded.hasPrefix("/") { return expanded }
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return path }
    let cwd = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return cwd == "/" ? "/" + path : cwd + "/" + path
}

/// Pushes buffered standard output out now (for line-by-line consumers of `follow`).
public func fflushStdout() { fflush(nil) }
