import Foundation
import Glibc
import Testing
import WDFTestSupport

/// The shared test support's own rules (no sound server needed): the process runner ends what a
/// command leaves in its process group, and its time limit ends the whole group; temporary
/// folders go with everything in them, whatever their names; the line client reads lines.
@Suite struct TestSupportTests {
    /// Whether `pid` still runs (a zombie does not).
    static func runs(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.lastIndex(of: ")").map { stat[$0...].hasPrefix(") Z") } ?? false)
    }

    static func awaitGone(_ pid: Int32) async throws {
        _ = try await Deadline.await("process \(pid) to end", until: { _ in runs(pid) ? nil : true }, timeout: 10)
    }

    @Test func whatACommandLeavesInItsGroupIsEndedWithIt() async throws {
        let folder = TemporaryDirectory.make("runner")
        defer { TemporaryDirectory.remove(folder) }
        // A background sleep that would outlive the shell (its output not on our files).
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "sleep 300 >/dev/null 2>&1 & echo $!"],
                                                environment: ["PATH": "/usr/bin:/bin"], scratch: URL(fileURLWithPath: folder))
        #expect(result.status == 0, "\(result)")
        let pid = try #require(Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result)")
        try await Self.awaitGone(pid)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "the output files are removed")
    }

    @Test func theTimeLimitEndsTheWholeGroup() async throws {
        let folder = TemporaryDirectory.make("runner-limit")
        defer { TemporaryDirectory.remove(folder) }
        let pidFile = folder + "/pid"
        // (The limit is generous so that the shell has surely started on a loaded machine.)
        do {
            let result = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"),
                                                    ["-c", "sleep 300 & echo $! > \"$0\"; echo started; wait", pidFile],
                                                    environment: ["PATH": "/usr/bin:/bin"], scratch: URL(fileURLWithPath: folder),
                                                    timeout: 5)
            Issue.record("a command over its limit returned: \(result)")
        } catch let error as ChildProcess.TimedOut {
            #expect(error.stdout == "started\n", "what it printed is kept: \(error)")
        }
        let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Self.awaitGone(pid)
    }

    @Test func theBlockingRunnerGivesStatusAndOutput() throws {
        let folder = TemporaryDirectory.make("runner-blocking")
        defer { TemporaryDirectory.remove(folder) }
        let result = try ChildProcess.runBlocking("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], environment: [:],
                                                  scratch: URL(fileURLWithPath: folder))
        #expect(result.status == 3 && result.stdout == "out\n" && result.stderr == "err\n", "\(result)")
        #expect(throws: ChildProcess.TimedOut.self) {
            try ChildProcess.runBlocking("/bin/sleep", ["300"], environment: [:], scratch: URL(fileURLWithPath: folder), timeout: 0.5)
        }
    }

    @Test func aTemporaryFolderGoesWithEverythingInIt() throws {
        var made = ""
        try TemporaryDirectory.with("remove") { folder in
            made = folder
            var info = stat()
            #expect(stat(folder, &info) == 0 && info.st_mode & 0o777 == 0o700)
            // A name that is not UTF-8, a folder we may not read, a link to outside (kept).
            let outside = TemporaryDirectory.make("remove-outside")
            defer { TemporaryDirectory.remove(outside) }
            var latin1 = Array((folder + "/caf").utf8CString.dropLast())
            latin1 += [CChar(bitPattern: 0xE9), 0]
            #expect(mkdir(latin1, 0o755) == 0)
            var file = Array(latin1.dropLast())
            file += Array("/f".utf8CString)
            let fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            #expect(fd >= 0)
            close(fd)
            #expect(mkdir(folder + "/locked", 0o755) == 0 && mkdir(folder + "/locked/deeper", 0o755) == 0)
            #expect(chmod(folder + "/locked", 0) == 0)
            #expect(symlink(outside, folder + "/link") == 0)
        }
        #expect(access(made, F_OK) != 0, "\(made) is still there")
    }

    @Test func theLineClientReadsLinesAndTheEnd() throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
        let client = LineClient(adopting: fds[0])
        let peer = LineClient(adopting: fds[1])
        try peer.send(Array("one\ntw".utf8))
        #expect(try client.readLine(timeout: 5) == "one")
        #expect(throws: LineClient.Failure.self) { try client.readLine(timeout: 0.05) }
        try peer.send(Array("o\nthree\nhalf".utf8))
        #expect(try client.readLine(timeout: 5) == "two")
        #expect(try client.readLine(timeout: 5) == "three")
        shutdown(fds[1], Int32(SHUT_WR))
        #expect(try client.readLine(timeout: 5) == nil, "a half line at the end is not a line")
    }
}
