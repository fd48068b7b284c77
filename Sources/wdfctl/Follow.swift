import ArgumentParser
import Glibc
import WDFClient
import WDFProtocol
import WDFCore
import WDFPlatform

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the state, then one line per event (state, seek, chapter, sleep, end, output lost) until interrupted.",
        discussion: """
            Each line starts with the event's name: state, seek, chapter, end, skip, chapters, sleep, output_lost. \
            With --json each line is the daemon's event object, the first one {"event":"status","data":STATUS}. \
            When wdfplayd stops, follow says so once and waits for it to come back.
            """)
    @Flag(name: [.short, .long], help: "Begin each line with the time of day (HH:MM:SS).")
    var timestamps = false
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var connectedOnce = false
        var waitingSaid = false
        var delay = 0.1
        while true {
            do throws(ClientError) {
                let client = try ControlClient(socketPath: connection.socketPath)
                _ = try client.call(.subscribe)
                // Events that arrive before this reply happened before it: the status has them.
                let (status, typed) = try client.ask(.status, PlaybackStatus.init(json:))
                if waitingSaid { printError("wdfplayd is back.") }
                connectedOnce = true
                waitingSaid = false
                delay = 0.1
                emit(json: .object([("event", "status"), ("data", status)]), text: FollowLine.stateLine(typed))
                client.disableTimeout()
                while true {
                    let message = try client.receive()
                    // Replies (none are asked for now) are not events; an event this program
                    // cannot read is shown by its name.
                    guard case let .event(event)? = try? Message(json: message) else {
                        guard let name = message["event"]?.stringValue else { continue }
                        emit(json: message, text: FollowLine.eventLine(.other(name, .null)))
                        continue
                    }
                    emit(json: message, text: FollowLine.eventLine(event))
                }
            } catch {
                switch error {
                case .notRunning, .connection:
                    guard connectedOnce else {
                        error.report(json: connection.json)
                        throw ExitCode(error.exitCode)
                    }
                    if !waitingSaid {
                        printError("wdfplayd went away; waiting for it to come back (Ctrl-C stops).")
                        waitingSaid = true
                    }
                    // 0.1 s, 0.2 s … up to 2 s between tries.
                    usleep(useconds_t(delay * 1_000_000))
                    delay = min(delay * 2, 2)
                case .refused, .silent:
                    error.report(json: connection.json)
                    throw ExitCode(error.exitCode)
                }
            }
        }
    }

    private func emit(json: JSON, text: String) {
        let line = connection.json ? json.serialized : text
        TerminalText.print(timestamps && !connection.json ? FollowLine.timeOfDay() + " " + line : line)
        StandardOutput.check()
    }
}
