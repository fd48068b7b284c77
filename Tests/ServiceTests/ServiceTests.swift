import Foundation
import Testing

/// Issue 6: the units verify, socket activation and sd_notify work, install/uninstall are exact.
/// CI has no systemd as PID 1, so these use systemd-analyze and systemd-socket-activate.
@Suite("systemd service and install", .serialized)
struct ServiceTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// The directory holding the built products (the test bundle sits beside them).
    static let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path

    struct Result { var status: Int32; var output: String; var error: String }

    /// Runs a command to completion in a process group of its own, with output in files (a
    /// process left behind cannot hold a pipe open and stall the test). After `timeout` seconds the
    /// whole group is killed and the test fails with what it printed so far; whatever of the group
    /// is still there once the command has exited is killed too.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil,
                    timeout: Double = 180) throws -> Result {
        let scratch = try temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (outPath, errPath) = (scratch + "/stdout", scratch + "/stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
        // env(1) finds the program on PATH and, with -C, changes directory.
        let argv = ["/usr/bin/env"] + (cwd.map { ["-C", $0] } ?? []) + arguments
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArguments + cEnvironment { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard rc == 0 else { throw TestFailure("cannot start \(arguments.joined(separator: " ")): \(String(cString: strerror(rc)))") }

        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        var exited = false
        while !exited {
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid || (r < 0 && errno != EINTR) {
                exited = true
            } else if Date() > deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                let printed = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
                let complained = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                throw TestFailure("`\(arguments.joined(separator: " "))` did not finish within \(Int(timeout)) s and was killed; "
                                  + "stdout:\n\(printed)\nstderr:\n\(complained)")
            } else {
                usleep(10_000)
            }
        }
        kill(-pid, SIGKILL)
        let status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        return Result(status: status, output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                      error: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which Swift's Glibc module does not export.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "wdf-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Installs into a fresh HOME with PREFIX=HOME/.local, from the built binaries.
    static func install(home: String) throws -> Result {
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
        let home = try ServiceTests.temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(atPath: home) }
        // Something of the user's that must survive both steps.
        try FileManager.default.createDirectory(atPath: home + "/.local/bin", withIntermediateDirectories: true)
        try "mine".write(toFile: home + "/.local/bin/other-tool", atomically: true, encoding: .utf8)

        let installed = try ServiceTests.install(home: home)
        #expect(installed.status == 0, "install failed: \(installed.error)")
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
        #expect(completion.output.contains("wdfctl"), "bash completion: \(completion.error)")
        for page in ["wdfplay", "wdfctl", "wdfplayd", "wdfplay-config", "wdfplay-feed"] {
            let man = try ServiceTests.run(["man", "-l", "\(prefix)/share/man/man1/\(page).1"], environment: ["MANPAGER": "cat", "PAGER": "cat"])
            #expect(man.status == 0 && man.output.uppercased().contains(page.uppercased()), "man \(page): \(man.error)")
        }
        try ServiceTests.checkManualsAndCompletions(prefix: prefix, home: home)

        // A config the user edited is kept; everything else install added goes.
        let uninstalled = try ServiceTests.run(["Scripts/uninstall"], environment: [
            "HOME": home, "PREFIX": prefix, "NO_SYSTEMCTL": "1",
        ], cwd: ServiceTests.repo)
        #expect(uninstalled.status == 0, "uninstall failed: \(uninstalled.error)")
        let left = try FileManager.default.subpathsOfDirectory(atPath: home).sorted()
        #expect(left == [".local", ".local/bin", ".local/bin/other-tool"], "left behind: \(left)")
    }

    @Test func unitsVerifyClean() throws {
        let home = try ServiceTests.temporaryDirectory("verify")
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect(try ServiceTests.install(home: home).status == 0)
        let units = home + "/.config/systemd/user"
        let verify = try ServiceTests.run(["systemd-analyze", "verify", "--user", "\(units)/wdfplayd.socket", "\(units)/wdfplayd.service",
                                           "\(units)/wdfplay-sync.timer", "\(units)/wdfplay-sync.service"],
                                          environment: ["XDG_RUNTIME_DIR": home, "MANPATH": home + "/.local/share/man:"])
        #expect(verify.status == 0, "systemd-analyze verify: \(verify.error)")
        #expect(verify.error.isEmpty && verify.output.isEmpty, "systemd-analyze printed: \(verify.error)\(verify.output)")
    }

    @Test func socketActivationAndNotify() throws {
        let dir = try ServiceTests.temporaryDirectory("activate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notifyPath = dir + "/notify"
        let notify = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(notify) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(notifyPath.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(notify, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(notify, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let controlSocket = dir + "/control.sock"
        // Spawned directly rather than with Foundation's Process: while one Process child runs
        // for long, Foundation does not reap the short-lived ones (wdfctl) on Linux.
        let environment = ProcessInfo.processInfo.environment.merging([
            "NOTIFY_SOCKET": notifyPath, "HOME": dir, "XDG_RUNTIME_DIR": dir, "XDG_STATE_HOME": dir + "/state",
            "XDG_CONFIG_HOME": dir + "/config",
        ]) { $1 }.map { "\($0.key)=\($0.value)" }
        let arguments = ["/usr/bin/systemd-socket-activate", "-l", controlSocket, "-E", "NOTIFY_SOCKET", "-E", "HOME",
                         "-E", "XDG_RUNTIME_DIR", "-E", "XDG_STATE_HOME", "-E", "XDG_CONFIG_HOME", "-E", "PATH",
                         ServiceTests.binaries + "/wdfplayd"]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, notify)
        if let closeFrom = ServiceTests.addCloseFrom { _ = closeFrom(&actions, 3) }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, arguments[0], &actions, nil, &argv, &envp) == 0)
        posix_spawn_file_actions_destroy(&actions)
        var reaped = false
        defer { if !reaped { kill(pid, SIGKILL); waitpid(pid, nil, 0) } }
        // Wait until systemd-socket-activate listens (a state, not a sleep).
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: controlSocket), Date() < deadline { usleep(10_000) }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(notify, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
        // The first client connects before the daemon exists: systemd-socket-activate starts it.
        let reply = try ServiceTests.run([ServiceTests.binaries + "/wdfctl", "status", "--json", "--socket", controlSocket])
        #expect(reply.status == 0, "wdfctl through the activated socket: \(reply.error)")
        #expect(reply.output.contains("\"state\":\"stopped\""))
        let first = receive()
        #expect(first?.contains("READY=1") == true, "got \(first ?? "nothing")")
        #expect(first?.contains("STATUS=Idle") == true)

        let quit = try ServiceTests.run([ServiceTests.binaries + "/wdfctl", "quit", "--socket", controlSocket])
        #expect(quit.status == 0)
        let last = receive()
        #expect(last?.contains("STOPPING=1") == true, "got \(last ?? "nothing")")
        var status = Int32(0)
        let exitBy = Date().addingTimeInterval(10)
        while !reaped, Date() < exitBy {
            if waitpid(pid, &status, WNOHANG) == pid { reaped = true } else { usleep(10_000) }
        }
        #expect(reaped, "wdfplayd did not exit within 10 s of quit")
        #expect(status == 0, "wdfplayd exit status \(status)")
        // The socket file belongs to systemd: the daemon leaves it in place.
        #expect(FileManager.default.fileExists(atPath: controlSocket))
    }

    @Test func logLinesCarryJournalPrioritiesUnderSystemd() throws {
        let journal = try ServiceTests.run([ServiceTests.binaries + "/wdfplayd", "--bogus"], environment: ["JOURNAL_STREAM": "8:12345"])
        #expect(journal.status == 64)
        #expect(journal.error.hasPrefix("<3>wdf.daemon: wdfplayd: unknown argument \"--bogus\""), "got \(journal.error)")
        let terminal = try ServiceTests.run(["env", "-u", "JOURNAL_STREAM", ServiceTests.binaries + "/wdfplayd", "--bogus"])
        #expect(terminal.error.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} error wdf.daemon: "#, options: .regularExpression) != nil,
                "got \(terminal.error)")
    }

    /// The service's hardening, checked without systemd: every system call the daemon makes while
    /// playing, seeking, pausing, saving and quitting is in @system-service, its sockets are
    /// AF_UNIX, no W+X memory, no personality change, and it works under no_new_privs; and the
    /// same for wdfplay-sync.service's `wdfplay-feed sync --download new`, with IP sockets allowed.
    @Test func hardeningLeavesPlaybackAndSavingWorking() throws {
        let run = try ServiceTests.run(["python3", "Scripts/verify-hardening", "--bin", ServiceTests.binaries], cwd: ServiceTests.repo,
                                       timeout: 120)
        #expect(run.status == 0 && run.output.contains("PASS"), "\(run.output)\n\(run.error)")
    }
}
