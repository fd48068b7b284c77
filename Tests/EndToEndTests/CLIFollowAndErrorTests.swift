import Foundation
import Testing
import WDFTestSupport

/// Issue 12, points 16, 18, 19 and 20: `follow` as playerctl's, errors that say what is wrong,
/// completion from the daemon, the socket folder.
extension EndToEnd {
    @Test func followPrintsTheStateFirstAndWaitsForARestartedDaemon() async throws {
        try await DaemonHarness.run("followWaitsForARestartedDaemon") { h in
            _ = try await h.play([EndToEnd.tones])
            _ = try await h.control(["pause"])
            _ = try await h.control(["seek", "7"])
            let follow = try await h.follow(["--timestamps"])
            // The state first, with the time of day.
            let (_, first) = try await follow.await("the state line", timeout: 10) { $0.text.contains("state") }
            #expect(first.text.range(of: #"^\d\d:\d\d:\d\d state paused 0:07 Tone Test #3: Six Chapters — chapter 2/6 "Tone 600"$"#,
                                      options: .regularExpression) != nil, "\(first.text)")

            // One line per event, in the order they happened, no JSON, no doubled words.
            _ = try await h.control(["chapter", "4"])
            _ = try await h.control(["mark", "Here"])
            _ = try await h.control(["sleep", "20m"])
            let (sleepIndex, _) = try await follow.await("the sleep line", timeout: 10) { $0.text.contains(" sleep ") }
            let lines = follow.lines.prefix(sleepIndex + 1).map { String($0.text.dropFirst(9)) }
            #expect(lines.allSatisfy { !$0.contains("{") }, "\(lines)")
            #expect(!lines.contains { $0.contains("sleep sleep") }, "\(lines)")
            #expect(lines.contains("sleep in 20:00"), "\(lines)")
            // The bookmark leaves the six chapters as they are and is counted apart.
            #expect(lines.contains("chapters 6 chapters, 1 bookmark"), "\(lines)")
            let seek = lines.firstIndex { $0.hasPrefix("seek 0:15") }
            let chapter = lines.firstIndex { $0.hasPrefix("chapter 0:15 4/6 \"Tone 1000\"") }
            #expect(seek != nil && chapter != nil && seek! < chapter!, "\(lines)")

            // The daemon quits and comes back: follow says so once, waits, and carries on.
            try await h.quitDaemon()
            _ = try await Deadline.await("follow to say the daemon went away", until: { _ in
                follow.stderr.contains("wdfplayd went away") ? true : nil
            }, timeout: 10)
            let before = follow.lines.count
            try await h.startDaemon()
            _ = try await follow.await("the state after the restart", after: before, timeout: 15) { $0.text.contains("state stopped") }
            #expect(follow.stderr.components(separatedBy: "went away").count == 2, "\(follow.stderr)")
            #expect(follow.stderr.contains("wdfplayd is back."), "\(follow.stderr)")
            _ = try await h.play([EndToEnd.tones])
            _ = try await follow.await("events after the restart", after: before, timeout: 10) { $0.text.contains("state playing") }
        }
    }

    @Test func errorsSayWhatIsWrong() async throws {
        try await DaemonHarness.run("errorsSayWhatIsWrong") { h in
            _ = try await h.play([EndToEnd.tones])
            // A write error on stdout is an error (cat, ls and mpc say so too).
            let full = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" status > /dev/full", h.binaries.wdfctl.path],
                                                  environment: h.environment, scratch: h.directory)
            #expect(full.status == 74 && full.stderr.contains("Cannot write to standard output: No space left on device."), "\(full)")
            let fullSlow = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" chapters > /dev/full", h.binaries.wdfctl.path],
                                                      environment: h.environment, scratch: h.directory)
            #expect(fullSlow.status == 74, "\(fullSlow)")

            // A sleep past the limit says so in the listener's words, not the protocol's.
            let long = try await h.ctl(["sleep", "25h"])
            #expect(long.status == 64 && long.stderr.contains("at most 24 hours") && !long.stderr.contains("\"seconds\""), "\(long)")

            // reload: a bad file is a refusal naming it; a good one is taken.
            try h.writeConfig("volume = 400\n")
            let bad = try await h.ctl(["reload"])
            #expect(bad.status == 1 && bad.stderr.contains("volume") && bad.stderr.contains(h.configFile.path)
                    && bad.stderr.contains("The settings in effect are kept."), "\(bad)")
            let badJSON = try await h.ctl(["reload", "--json"])
            #expect(badJSON.json["error"]["code"].string == "bad_config", "\(badJSON)")
            try h.writeConfig(EndToEnd.baseConfig + "skip_chapters = [\"Tone 600\"]\n")
            let good = try await h.ctl(["reload"])
            #expect(good.status == 0 && good.stdout == "reloaded \(h.configFile.path)\n", "\(good)")
            let chapters = try await h.ctl(["chapters"])
            #expect(chapters.stdoutLines.contains { $0.contains("Tone 600") && $0.contains("(skipped)") }, "\(chapters)")

            // An episode without chapters: a sentence, capitalised like the others.
            let plain = h.directory.appendingPathComponent("plain")
            let path = try EpisodeFiles.write("plain.mp3", title: "Plain", audioOf: "tones.mp3", in: plain)
            _ = try await h.play([path])
            let none = try await h.ctl(["chapters"])
            #expect(none.stdout == "This episode has no chapters.\n", "\(none)")
        }
    }

    @Test func configCheckerNamesMissingFilesFoldersAndSinks() async throws {
        try await DaemonHarness.run("configCheckerWarns", startDaemon: false) { h in
            let missing = try await ChildProcess.run(h.binaries.wdfplayConfig, ["--file", "/nonexistent/config.toml"],
                                                     environment: h.environment, scratch: h.directory)
            #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/config.toml does not exist"), "\(missing)")
            try h.writeConfig("library = \"\(h.directory.path)/no-such-folder\"\naudio_device = \"no_such_sink\"\n")
            let checked = try await ChildProcess.run(h.binaries.wdfplayConfig, [], environment: h.environment, scratch: h.directory)
            #expect(checked.status == 0, "\(checked)")
            #expect(checked.stderr.contains("library: the folder \(h.directory.path)/no-such-folder does not exist"), "\(checked)")
            #expect(checked.stderr.contains("audio_device: the sound server has no sink \"no_such_sink\""), "\(checked)")
            // No file and no --file: all defaults, as before.
            try FileManager.default.removeItem(at: h.configFile)
            let absent = try await ChildProcess.run(h.binaries.wdfplayConfig, [], environment: h.environment, scratch: h.directory)
            #expect(absent.status == 0 && absent.stdout.contains("(absent: all defaults)"), "\(absent)")
        }
    }

    @Test func shellCompletionAsksTheDaemon() async throws {
        try await DaemonHarness.run("shellCompletionAsksTheDaemon", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            for (n, name) in [(1, "First Steps"), (4, "Fourth")] {
                try EpisodeFiles.write("\(n).mp3", title: "Korean War #\(n): \(name)", audioOf: "library/a.mp3", in: library)
            }
            try EpisodeFiles.write("h.mp3", title: "Hardcore History #3: Wrath", audioOf: "library/a.mp3", in: library)
            // Series names from strangers' tags: an escape sequence, a tab between words.
            try EpisodeFiles.write("r.mp3", title: "Red\u{1B}]0;pwned\u{07} Alert #2: Boom", audioOf: "library/a.mp3", in: library)
            try EpisodeFiles.write("t.mp3", title: "Tabbed\tShow #5: Wide", audioOf: "library/a.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nseries = \"Korean War\"\n")
            try await h.startDaemon()
            // What bash asks: `PROGRAM ---completion [COMMAND] -- positional@0 CWORD CURSOR WORDS…`.
            func complete(_ words: [String], program: URL, command: [String] = []) async throws -> [String] {
                let result = try await ChildProcess.run(program, ["---completion"] + command + ["--", "positional@0", "\(words.count - 1)",
                                                        "\(words.last!.count)"] + words, environment: h.environment, scratch: library)
                #expect(result.status == 0, "\(result)")
                return result.stdoutLines
            }
            let first = try await complete(["wdfplay", ""], program: h.binaries.wdfplay)
            #expect(["next", "1", "4", "korean", "hardcore"].allSatisfy(first.contains), "\(first)")
            #expect(!first.contains("help"), "\(first)")
            #expect(first.allSatisfy { !$0.contains("\u{1B}") && !$0.contains("\u{07}") && !$0.contains("\t") }, "\(first)")
            #expect(first.contains("tabbed") && !first.contains { $0.hasPrefix("red") }, "\(first)")
            #expect(try await complete(["wdfplay", "tabbed", ""], program: h.binaries.wdfplay) == ["show"])
            #expect(try await complete(["wdfplay", "hard"], program: h.binaries.wdfplay) == ["hardcore"])
            #expect(try await complete(["wdfplay", "hardcore", ""], program: h.binaries.wdfplay) == ["history"])
            #expect(try await complete(["wdfplay", "hardcore", "history", ""], program: h.binaries.wdfplay) == ["3"])
            let info = try await complete(["wdfctl", "info", "korean", "war", ""], program: h.binaries.wdfctl, command: ["info"])
            #expect(info == ["1", "4"], "\(info)")
        }
    }

    @Test func socketFolderIsMadePrivate() async throws {
        try await DaemonHarness.run("socketFolderIsMadePrivate", startDaemon: false) { h in
            // The default socket (no --socket, no $WDFPLAY_SOCKET) in a folder someone left 0755.
            let runtime = h.directory.appendingPathComponent("runtime")
            let folder = runtime.appendingPathComponent("wdfplay")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            var environment = h.environment
            environment["WDFPLAY_SOCKET"] = nil
            environment["XDG_RUNTIME_DIR"] = runtime.path
            let daemon = try ChildProcess.spawn(h.binaries.wdfplayd.path, [], environment: environment,
                                                stdout: .file(h.daemonLogFile.path), stderr: .file(h.daemonLogFile.path))
            defer { Task { await daemon.stop() } }
            _ = try await Deadline.await("the socket", until: { _ in
                FileManager.default.fileExists(atPath: folder.appendingPathComponent("control.sock").path) ? true : nil
            }, timeout: 10)
            let mode = (try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int) ?? 0
            #expect(mode == 0o700, "mode \(String(mode, radix: 8))")
            let status = try await ChildProcess.run(h.binaries.wdfctl, ["status", "--json"], environment: environment, scratch: h.directory)
            #expect(status.status == 0, "\(status)")
            let quit = try await ChildProcess.run(h.binaries.wdfctl, ["quit"], environment: environment, scratch: h.directory)
            #expect(quit.status == 0, "\(quit)")
        }
    }
}

extension EndToEnd {
    /// A client of another uid (here root, which may connect to any socket, talking to a daemon
    /// that runs as nobody) is told why it is refused instead of "Broken pipe".
    @Test(.enabled(if: getuid() == 0, "needs root to run the daemon as another user"))
    func aClientOfAnotherUserIsToldWhyItIsRefused() async throws {
        try await DaemonHarness.run("clientOfAnotherUser", startDaemon: false) { h in
            let nobody: uid_t = 65534
            let world = URL(fileURLWithPath: TemporaryDirectory.make("uid"))
            defer { TemporaryDirectory.remove(world.path) }
            chmod(world.path, 0o755)
            try FileManager.default.createDirectory(at: world.appendingPathComponent("home"), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            for path in [world.path, world.appendingPathComponent("home").path] { #expect(chown(path, nobody, nobody) == 0) }
            let socket = world.appendingPathComponent("ctl.sock").path
            let environment = ["HOME": world.appendingPathComponent("home").path, "PATH": "/usr/bin:/bin",
                               "XDG_RUNTIME_DIR": world.appendingPathComponent("run").path]
            let daemon = try ChildProcess.spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                                     h.binaries.wdfplayd.path, "--socket", socket],
                                                environment: environment, stdout: .file(h.daemonLogFile.path), stderr: .file(h.daemonLogFile.path))
            defer { Task { await daemon.stop() } }
            _ = try await Deadline.await("the daemon's socket", until: { _ in FileManager.default.fileExists(atPath: socket) ? true : nil },
                                         timeout: 10)
            let refused = try await ChildProcess.run(h.binaries.wdfctl, ["--socket", socket, "status"], environment: h.environment,
                                                     scratch: h.directory)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("runs as uid 65534 and answers only that user; this connection came from uid 0"), "\(refused)")
            #expect(!refused.stderr.contains("Broken pipe"), "\(refused)")
            let json = try await ChildProcess.run(h.binaries.wdfctl, ["chapters", "--json", "--socket", socket], environment: h.environment,
                                                  scratch: h.directory)
            #expect(json.json["error"]["code"].string == "permission_denied", "\(json)")
        }
    }
}
