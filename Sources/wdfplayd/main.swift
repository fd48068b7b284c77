import Glibc
import WDFCore
import WDFDaemon
import WDFPlatform

// wdfplayd: parse the flags, start the daemon, tell whoever started us that it listens, serve.
Log.configure(threshold: .info, environment: Environment.current)
let arguments: DaemonArguments
do {
    arguments = try DaemonArguments(Array(CommandLine.arguments.dropFirst()))
} catch {
    Log("wdf.daemon").error(error.message)
    exit(64)
}
if arguments.help {
    TerminalText.print(DaemonArguments.usage)
    exit(0)
}
if arguments.version {
    TerminalText.print(wdfplayVersion)
    exit(0)
}
let daemon: Daemon
do {
    daemon = try Daemon(options: Daemon.Options(socketPath: arguments.socket, configPath: arguments.config,
                                                verbose: arguments.verbose, environment: Environment.current))
} catch {
    Log("wdf.daemon").error(error.message)
    exit(1)
}
if let fd = arguments.readyFD {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
    close(fd)
}
exit(daemon.run())
