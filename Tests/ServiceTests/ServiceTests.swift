import Foundation
import Testing
import WDFTestSupport

/// Issue 6: the units verify, socket activation and sd_notify work, install/uninstall are exact.
/// CI has no systemd as PID 1, so these use systemd-analyze and systemd-socket-activate.
@Suite("systemd service and install", .serialized)
struct ServiceTests {
    static let repo = Binaries.packageRoot.path
    /// The directory holding the built products (the test bundle sits beside them).
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path

    /// Runs a command (found on PATH, in `cwd` when given) to completion with the shared runner:
    /// in a process group of its own, output in files, the whole group killed after `timeout`
    /// seconds (the test fails with what it printed so far) and once the command has exited.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil,
                    timeout: Double = 180) throws -> ChildProcess.Result {
        let scratch = TemporaryDirectory.make("run")
        defer { TemporaryDirectory.remove(scratch) }
        // env(1) finds the program on PATH and, with -C, changes directory.
        let argv = (cwd.map { ["-C", $0] } ?? []) + arguments
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return try ChildProcess.runBlocking("/usr/bin/env", argv, environment: merged, scratch: URL(fileURLWithPath: scratch),
                                            timeout: timeout)
    }

    /// Installs into a fresh HOME with PREFIX=HOME/.local, from the built binaries.
    static func install(home: String) throws -> ChildProcess.Result {
        let tool = binaries + "/generate-manual"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw TestFailure("\(tool) is missing; run the suite through Scripts/test, which builds it.")
        }
        return try run(["Scripts/install"], environment: [
            "HOME": home, "PREFIX": home + "/.local", "XDG_CONFIG_HOME": home + "/.config",
            "BIN_DIR": binaries, "MANUAL_TOOL": tool, "NO_SYSTEMCTL": "1",
        ], cwd: repo)
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func installPutsEveryFileWhereItBelongsAndUninstallRemovesExactlyThat() throws {
        let home = TemporaryDirectory.make("install")
        defer { TemporaryDirectory.remove(home) }
        // Something of the user's that must survive both steps.
        try FileManager.default.createDirectory(atPath: home + "/.local/bin", withIntermediateDirectories: true)
        try "mine".write(toFile: home + "/.local/bin/other-tool", atomically: true, encoding: .utf8)

        let installed = try ServiceTests.install(home: home)
        #expect(installed.status == 0, "install failed: \(installed.stderr)")
        let prefix = home + "/.local"
        var expected = ["wdfplay", "wdfctl", "wdfplayd", "wdfplay-config", "wdfplay-feed"].map { "\(prefix)/bin/\($0)" }
        expected += ["wdfplayd.service", "wdfplayd.socket", "wdfplay-sync.service", "wdfplay-sync.timer"]
            .map { "\(home)/.config/systemd/user/\($0)" }
        for p in ["wdfplay", "wdfctl", "wdfplay-config", "wdfplay-feed"] {
            expected += ["\(prefix)/share/bash-completion/completions/\(p)", "\(prefix)/share/zsh/site-functions/_\(p)",
                         "\(prefix)/share/fish/vendor_completions.d/\(p).fish"]
        }
        expected += ["wdfplay", "wdfctl", "wdfplayd", "wdfplay-config", "wdfplay-feed"].map { "\(prefix)/share/man/man1/\($0).1" }
        expected.append("\(prefix)/share/man/man5/wdfplay.conf.5")
        expected += ["\(prefix)/share/wdfplay/demo/Korean War 06 - Sino-Soviet Talks Part 2.mp3", "\(home)/.config/wdfplay/config.toml"]
        for path in expected {
            #expect(FileManager.default.fileExists(atPath: path), "missing \(path)")
        }
        let unit = try String(contentsOfFile: home + "/.config/systemd/user/wdfplayd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=\(prefix)/bin/wdfplayd"))
        let sync = try String(contentsOfFile: home + "/.config/systemd/user/wdfplay-sync.service", encoding: .utf8)
        #expect(sync.contains("ExecStart=\(prefix)/bin/wdfplay-feed sync --download new"))

        // Completions load in bash; every man page renders.
        let completion = try ServiceTests.run(["bash", "-c", "source '\(prefix)/share/bash-completion/completions/wdfctl' && complete -p wdfctl"])
        #expect(completion.stdout.contains("wdfctl"), "bash completion: \(completion.stderr)")
        for page in ["wdfplay", "wdfctl", "wdfplayd", "wdfplay-config", "wdfplay-feed"] {
            let man = try ServiceTests.run(["man", "-l", "\(prefix)/share/man/man1/\(page).1"], environment: ["MANPAGER": "cat", "PAGER": "cat"])
            #expect(man.status == 0 && man.stdout.uppercased().contains(page.uppercased()), "man \(page): \(man.stderr)")
        }
        try ServiceTests.checkManualsAndCompletions(prefix: prefix, home: home)

        // A config the user edited is kept; everything else install added goes.
        let uninstalled = try ServiceTests.run(["Scripts/uninstall"], environment: [
            "HOME": home, "PREFIX": prefix, "NO_SYSTEMCTL": "1",
        ], cwd: ServiceTests.repo)
        #expect(uninstalled.status == 0, "uninstall failed: \(uninstalled.stderr)")
        let left = try FileManager.default.subpathsOfDirectory(atPath: home).sorted()
        #expect(left == [".local", ".local/bin", ".local/bin/other-tool"], "left behind: \(left)")
    }

    @Test func unitsVerifyClean() throws {
        let home = TemporaryDirectory.make("verify")
        defer { TemporaryDirectory.remove(home) }
        #expect(try ServiceTests.install(home: home).status == 0)
        let units = home + "/.config/systemd/user"
        let verify = try ServiceTests.run(["systemd-analyze", "verify", "--user", "\(units)/wdfplayd.socket", "\(units)/wdfplayd.service",
                                           "\(units)/wdfplay-sync.timer", "\(units)/wdfplay-sync.service"],
                                          environment: ["XDG_RUNTIME_DIR": home, "MANPATH": home + "/.local/share/man:"])
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.stderr)")
        #expect(verify.stderr.isEmpty && verify.stdout.isEmpty, "systemd-analyze printed: \(verify.stderr)\(verify.stdout)")
    }

    @Test func socketActivationAndNotify() throws {
        let dir = TemporaryDirectory.make("activate")
        defer { TemporaryDirectory.remove(dir) }
        let notifyPath = dir + "/notify"
        let notify = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(notify) }
        var address = try LineClient.address(notifyPath)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(notify, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(notify, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let controlSocket = dir + "/control.sock"
        // A ChildProcess (not Foundation's Process: while one Process child runs for long,
        // Foundation does not reap the short-lived ones (wdfctl) on Linux); it inherits no
        // descriptor above 2, so not the notify socket either.
        let environment = ProcessInfo.processInfo.environment.merging([
            "NOTIFY_SOCKET": notifyPath, "HOME": dir, "XDG_RUNTIME_DIR": dir, "XDG_STATE_HOME": dir + "/state",
            "XDG_CONFIG_HOME": dir + "/config",
        ]) { $1 }
        let activator = try ChildProcess.spawn(
            "/usr/bin/systemd-socket-activate",
            ["-l", controlSocket, "-E", "NOTIFY_SOCKET", "-E", "HOME", "-E", "XDG_RUNTIME_DIR", "-E", "XDG_STATE_HOME",
             "-E", "XDG_CONFIG_HOME", "-E", "PATH", ServiceTests.binaries + "/wdfplayd"],
            environment: environment)
        defer {
            activator.signal(SIGKILL)
            while activator.isRunning { usleep(1_000) }
        }
        // Wait until systemd-socket-activate listens (a state, not a sleep).
        let deadline = Deadline.now() + 10
        while !FileManager.default.fileExists(atPath: controlSocket), Deadline.now() < deadline { usleep(10_000) }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(notify, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
        // The first client connects before the daemon exists: systemd-socket-activate starts it.
        let reply = try ServiceTests.run([ServiceTests.binaries + "/wdfctl", "status", "--json", "--socket", controlSocket])
        #expect(reply.status == 0, "wdfctl through the activated socket: \(reply.stderr)")
        #expect(reply.stdout.contains("\"state\":\"stopped\""))
        let first = receive()
        #expect(first?.contains("READY=1") == true, "got \(first ?? "nothing")")
        #expect(first?.contains("STATUS=Idle") == true)

        let quit = try ServiceTests.run([ServiceTests.binaries + "/wdfctl", "quit", "--socket", controlSocket])
        #expect(quit.status == 0)
        let last = receive()
        #expect(last?.contains("STOPPING=1") == true, "got \(last ?? "nothing")")
        let exitBy = Deadline.now() + 10
        while activator.isRunning, Deadline.now() < exitBy { usleep(10_000) }
        let status = activator.status
        #expect(status != nil, "wdfplayd did not exit within 10 s of quit")
        #expect(status == 0, "wdfplayd exit status \(status.map(String.init) ?? "none")")
        // The socket file belongs to systemd: the daemon leaves it in place.
        #expect(FileManager.default.fileExists(atPath: controlSocket))
    }

    @Test func logLinesCarryJournalPrioritiesUnderSystemd() throws {
        let journal = try ServiceTests.run([ServiceTests.binaries + "/wdfplayd", "--bogus"], environment: ["JOURNAL_STREAM": "8:12345"])
        #expect(journal.status == 64)
        #expect(journal.stderr.hasPrefix("<3>wdf.daemon: wdfplayd: unknown argument \"--bogus\""), "got \(journal.stderr)")
        let terminal = try ServiceTests.run(["env", "-u", "JOURNAL_STREAM", ServiceTests.binaries + "/wdfplayd", "--bogus"])
        #expect(terminal.stderr.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} error wdf.daemon: "#, options: .regularExpression) != nil,
                "got \(terminal.stderr)")
    }

    /// The service's hardening, checked without systemd: every system call the daemon makes while
    /// playing, seeking, pausing, saving and quitting is in @system-service, its sockets are
    /// AF_UNIX, no W+X memory, no personality change, and it works under no_new_privs; and the
    /// same for wdfplay-sync.service's `wdfplay-feed sync --download new`, with IP sockets allowed.
    @Test func hardeningLeavesPlaybackAndSavingWorking() throws {
        let run = try ServiceTests.run(["python3", "Scripts/verify-hardening", "--bin", ServiceTests.binaries], cwd: ServiceTests.repo,
                                       timeout: 120)
        #expect(run.status == 0 && run.stdout.contains("PASS"), "\(run.stdout)\n\(run.stderr)")
    }
}
