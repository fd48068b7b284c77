import Foundation
import Testing
import WDFTestSupport

/// Issue 11, the file-system edge: library folders a stranger filled (links in loops, a link to
/// the parent, FIFOs, names that are not UTF-8, folders without end, /proc and /sys, a file
/// where a folder belongs), against the real daemon. Each ends in a correct list or one clear
/// sentence naming the file, and the daemon keeps answering.
extension EndToEnd {
    /// `library/NAME` from raw bytes (not necessarily UTF-8): written under a plain name, then
    /// renamed with the kernel's bytes. Returns nothing: Foundation cannot name such a file.
    static func writeRawName(_ name: [UInt8], title: String?, audioOf fixture: String, in library: URL) throws {
        let plain = title.map { EpisodeFiles.tag(title: $0) } ?? Data()
        let temporary = library.appendingPathComponent("raw-name.tmp")
        try (plain + EpisodeFiles.audio(of: fixture)).write(to: temporary)
        let target = Array(library.path.utf8) + [0x2F] + name + [0]
        let rc = target.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { rename(temporary.path, $0.baseAddress!) }
        }
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    static func symlink(_ target: String, at path: URL) throws {
        try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: target)
    }

    /// The paths `wdfctl episodes --all` lists (each must be there once).
    static func listedPaths(_ h: DaemonHarness) async throws -> (paths: [String], reply: JSONValue) {
        let reply = try await h.control(["episodes", "--all"]).reply
        return ((reply["episodes"].array ?? []).compactMap { $0["path"].string }, reply)
    }

    @Test func linksInLoopsListEachEpisodeOnceAndTheDaemonStillQuits() async throws {
        try await DaemonHarness.run("linksInLoops", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Loops #1: One", audioOf: "tones.mp3", in: library)
            try EpisodeFiles.write("two.mp3", title: "Loops #2: Two", audioOf: "tones.mp3",
                                   in: library.appendingPathComponent("sub"))
            // ln -s . a; ln -s . b; ln -s . c; and a link to the parent (which holds the library).
            for name in ["a", "b", "c"] { try EndToEnd.symlink(".", at: library.appendingPathComponent(name)) }
            try EndToEnd.symlink("..", at: library.appendingPathComponent("up"))
            try EndToEnd.symlink("../..", at: library.appendingPathComponent("sub/up2"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            let real = library.resolvingSymlinksInPath().path

            // SIGTERM ends a daemon that has walked the loops.
            let daemon = try ResilienceKit.spawnDaemon(h)
            try await ResilienceKit.awaitPing(h, socket: h.socketPath, daemon: daemon)
            let (paths, reply) = try await EndToEnd.listedPaths(h)
            #expect(paths.sorted() == [real + "/one.mp3", real + "/sub/two.mp3"], "\(reply)")
            #expect(reply["library_incomplete"].isNull, "\(reply)")
            daemon.signal(SIGTERM)
            let status = try await daemon.awaitExit(timeout: 10)
            #expect(status == 0, "wdfplayd after SIGTERM: \(String(describing: status)); log:\n\(h.daemonLog)")

            // `wdfctl quit` ends the next one (the harness fails the test if it takes over 5 s).
            try await h.startDaemon()
            let (again, _) = try await EndToEnd.listedPaths(h)
            #expect(again.sorted() == paths.sorted())
            let (two, run) = try await h.play(["2"])
            #expect(two["episode"]["path"].string == real + "/sub/two.mp3", "\(two)")
            _ = try await h.recorder.awaitTone(400, after: run.started, timeout: 3)
            try await h.quitDaemon()
        }
    }

    @Test(arguments: ["/proc", "/sys"])
    func pseudoFileSystemsAsTheLibraryAreWalkedWithinTheBudget(root: String) async throws {
        try await DaemonHarness.run("pseudoFileSystem\(root.replacingOccurrences(of: "/", with: "-"))",
                                    config: EndToEnd.baseConfig + "library = \"\(root)\"\n") { h in
            // The walk ends (each folder once, within its budget of entries, folders and time)
            // and the daemon answers; a walk cut short says so in the reply and in one log line.
            let list = try await h.ctl(["episodes", "--all", "--json"], timeout: 60)
            #expect(list.status == 0, "\(list)")
            if let sentence = list.json["library_incomplete"].string {
                #expect(sentence.hasPrefix("The library folder \(root) "), "\(sentence)")
                #expect(ResilienceKit.logLines(h, containing: "The library folder \(root) ").count == 1, "\(h.daemonLog)")
            }
            let ping = try h.connect().request("ping", timeout: 5)
            #expect(ping.json["ok"].bool == true)
            // A second request within the minute does not walk again.
            let second = try await h.ctl(["episodes", "--all", "--json"], timeout: 60)
            #expect(second.status == 0, "\(second)")
            try await h.quitDaemon()
        }
    }

    @Test func aLibraryPastItsFolderBudgetListsWhatWasFoundAndSaysSo() async throws {
        try await DaemonHarness.run("folderBudget", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Budget #1: One", audioOf: "tones.mp3", in: library)
            // 10,001 folders, reached through a link (walked after the library's own files).
            let many = h.directory.appendingPathComponent("many")
            for i in 0...10_000 {
                try FileManager.default.createDirectory(at: many.appendingPathComponent("f\(i)"), withIntermediateDirectories: true)
            }
            try EndToEnd.symlink(many.path, at: library.appendingPathComponent("many"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let (paths, reply) = try await EndToEnd.listedPaths(h)
            #expect(paths == [library.resolvingSymlinksInPath().path + "/one.mp3"], "\(reply)")
            let sentence = reply["library_incomplete"].string ?? ""
            #expect(sentence.contains("has more than 10000 folders; the walk stopped there"), "\(reply)")
            // The human list says it too, on stderr.
            let human = try await h.ctl(["episodes", "--all"])
            #expect(human.status == 0 && human.stderr.contains("more than 10000 folders"), "\(human)")
            #expect(ResilienceKit.logLines(h, containing: "more than 10000 folders").count == 1, "\(h.daemonLog)")
            let (two, _) = try await h.play(["1"])
            #expect(two["episode"]["title"].string == "Budget #1: One", "\(two)")
        }
    }

    @Test func aFIFOInTheLibraryOrPlayedByPathNeverBlocksTheDaemon() async throws {
        try await DaemonHarness.run("fifo", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try EpisodeFiles.write("one.mp3", title: "Pipes #1: One", audioOf: "tones.mp3", in: library)
            let fifo = library.resolvingSymlinksInPath().appendingPathComponent("x.mp3").path
            #expect(mkfifo(fifo, 0o644) == 0)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let (paths, reply) = try await EndToEnd.listedPaths(h)
            #expect(paths.map { ($0 as NSString).lastPathComponent } == ["one.mp3"], "\(reply)")
            // Played by path: one sentence naming the file, at once.
            let played = try await h.wdfplay([fifo])
            #expect(played.status != 0, "\(played)")
            #expect(played.stderr.contains("\(fifo) is a FIFO (named pipe), not a regular file."), "\(played)")
            let info = try await h.ctl(["info", fifo])
            #expect(info.status != 0 && info.stderr.contains("not a regular file"), "\(info)")
            let ping = try h.connect().request("ping", timeout: 5)
            #expect(ping.json["ok"].bool == true)
            // Still plays what is there.
            let (one, run) = try await h.play(["1"])
            #expect(one["episode"]["title"].string == "Pipes #1: One", "\(one)")
            _ = try await h.recorder.awaitTone(400, after: run.started, timeout: 3)
        }
    }

    @Test func aNameThatIsNotUTF8IsListedAndPlays() async throws {
        try await DaemonHarness.run("nonUTF8Name", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
            // "Ep\xFF\xFE 07.mp3" (Latin-1 leftovers), no tag: named and numbered after the file.
            try EndToEnd.writeRawName([0x45, 0x70, 0xFF, 0xFE, 0x20, 0x30, 0x37, 0x2E, 0x6D, 0x70, 0x33],
                                      title: nil, audioOf: "tones.mp3", in: library)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            let (paths, reply) = try await EndToEnd.listedPaths(h)
            #expect(paths.count == 1, "\(reply)")
            let episode = reply["episodes"][0]
            #expect(episode["title"].string == "Ep\u{FFFD}\u{FFFD} 07", "\(reply)")
            #expect(episode["number"].int == 7, "\(reply)")
            #expect(episode["problem"].isNull, "\(reply)")
            let (played, run) = try await h.play(["7"])
            #expect(played["episode"]["title"].string == "Ep\u{FFFD}\u{FFFD} 07", "\(played)")
            _ = try await h.recorder.awaitTone(400, after: run.started, timeout: 3)
            // Played by its path as a shell passes it: the raw bytes (0xFF 0xFE) in argv.
            let raw = try await ChildProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "exec \"$0\" \"$(printf '%s/Ep\\377\\376 07.mp3' \"$1\")\" --json",
                 h.binaries.wdfplay.path, library.resolvingSymlinksInPath().path],
                environment: h.environment, scratch: h.directory)
            #expect(raw.status == 0, "\(raw)")
            #expect(raw.json["episode"]["path"].string == paths.first, "\(raw)")
            let info = try await ChildProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                ["-c", "exec \"$0\" info \"$(printf '%s/Ep\\377\\376 07.mp3' \"$1\")\" --json",
                 h.binaries.wdfctl.path, library.resolvingSymlinksInPath().path],
                environment: h.environment, scratch: h.directory)
            #expect(info.status == 0 && info.json["number"].int == 7, "\(info)")
            // The human list shows the replacement characters, never the raw bytes.
            let human = try await h.ctl(["episodes", "--all"])
            #expect(human.stdout.contains("Ep\u{FFFD}\u{FFFD} 07"), "\(human)")
        }
    }

    @Test func aFileWhereTheLibraryFolderBelongsIsNotAFolder() async throws {
        try await DaemonHarness.run("libraryIsAFile", config: EndToEnd.baseConfig + "library = \"/etc/passwd\"\n") { h in
            let list = try await h.ctl(["episodes"])
            #expect(list.status != 0, "\(list)")
            #expect(list.stderr.contains("The library /etc/passwd (key `library` in"), "\(list)")
            #expect(list.stderr.contains(") is not a folder."), "\(list)")
            #expect(!list.stderr.contains("does not exist"), "\(list)")
        }
    }
}
