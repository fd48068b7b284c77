import Foundation

/// The one process runner of the tests: a command run to completion in a process group of its
/// own, its standard output and error in files (not pipes, so that a process it leaves behind
/// cannot hold them open and stall the test), with a time limit after which the whole group is
/// killed. Whatever of the group is still there once the command has exited is killed too.
/// (A daemon that `wdfplay` starts makes a session of its own, so it is not in the group.)
extension ChildProcess {
    package struct Result: CustomStringConvertible, Sendable {
        package var command: String
        package var status: Int32
        package var stdout: String
        package var stderr: String
        /// Monotonic times at which it was started and reaped.
        package var started: Double
        package var ended: Double

        package var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        package var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        package var json: JSONValue { JSONValue(text: stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? JSONValue(nil) }

        package var description: String {
            "`\(command)` exited \(status)\n  stdout: \(stdout.trimmingCharacters(in: .newlines))\n  stderr: \(stderr.trimmingCharacters(in: .newlines))"
        }
    }

    /// The command was still running at its time limit; its group was killed.
    package struct TimedOut: Error, CustomStringConvertible {
        package var command: String
        package var timeout: Double
        /// What it printed until then.
        package var stdout: String
        package var stderr: String
        package var description: String {
            "`\(command)` did not finish within \(timeout) s and was killed; stdout:\n\(stdout)\nstderr:\n\(stderr)"
        }
    }

    /// Runs `executable` with `arguments` to completion (its group killed after `timeout`); the
    /// output files are made in `scratch` and removed. The end time is taken when a thread
    /// blocked in waitid returns.
    package static func run(_ executable: URL, _ arguments: [String], environment: [String: String],
                            scratch: URL, timeout: Double = 20) async throws -> Result {
        let (child, files) = try start(executable.path, arguments, environment: environment, scratch: scratch)
        defer { files.remove() }
        let ended: Double = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: child.awaitEndKillingGroup(timeout: timeout)) }
            thread.start()
        }
        return try child.result(ended: ended, timeout: timeout, files)
    }

    /// `run`, blocking this thread (for tests that are not async).
    package static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String],
                                    scratch: URL, timeout: Double = 20) throws -> Result {
        let (child, files) = try start(executable, arguments, environment: environment, scratch: scratch)
        defer { files.remove() }
        let ended = child.awaitEndKillingGroup(timeout: timeout)
        return try child.result(ended: ended, timeout: timeout, files)
    }

    /// Where a run's standard output and error go.
    private struct OutputFiles {
        let out: String
        let err: String
        func remove() {
            for path in [out, err] { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    private static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                              scratch: URL) throws -> (ChildProcess, OutputFiles) {
        let id = UUID().uuidString.prefix(8)
        let files = OutputFiles(out: scratch.appendingPathComponent("out-\(id)").path,
                                err: scratch.appendingPathComponent("err-\(id)").path)
        let child = try spawn(executable, arguments, environment: environment,
                              stdout: .file(files.out), stderr: .file(files.err), processGroup: true)
        return (child, files)
    }

    /// The result once reaped, or `TimedOut` when the time limit ended it.
    private func result(ended: Double, timeout: Double, _ files: OutputFiles) throws -> Result {
        let (status, timedOut) = lock.withLock { (exitStatus ?? -1, killedByLimit) }
        let stdout = (try? String(contentsOfFile: files.out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: files.err, encoding: .utf8)) ?? ""
        if timedOut { throw TimedOut(command: command, timeout: timeout, stdout: stdout, stderr: stderr) }
        return Result(command: command, status: status, stdout: stdout, stderr: stderr, started: started, ended: ended)
    }

    /// Blocks until the process has exited (its group is killed after `timeout`), kills what is
    /// left of its group, reaps it; returns the monotonic time at which it ended.
    private func awaitEndKillingGroup(timeout: Double) -> Double {
        let pid = pid
        let limit = DispatchWorkItem { [self] in
            lock.withLock {
                guard exitStatus == nil else { return }
                killedByLimit = true
                kill(-pid, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: limit)
        // Wait without reaping: until it is reaped below, the leader (a zombie) keeps the group's
        // id from being reused, so the kills never reach a stranger.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let ended = Deadline.now()
        limit.cancel()
        lock.withLock {
            kill(-pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            exitStatus = Self.decode(raw)
        }
        Reaper.shared.unregister(pid)
        return ended
    }
}
