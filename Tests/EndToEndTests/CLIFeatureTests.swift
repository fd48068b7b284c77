import Foundation
import Testing
import WDFTestSupport

/// Issue 12, points 14–17: wdfctl as people who live in terminals expect it (mpc, playerctl):
/// output measured in display columns, one-line status, JSON errors, follow, argument forms.
extension EndToEnd {
    /// Three episodes with a CJK title, an emoji title and a 240-character one; one played, one
    /// half heard, one new.
    static func wideLibrary(_ h: DaemonHarness) throws -> URL {
        let library = h.directory.appendingPathComponent("library")
        try EpisodeFiles.write("1.mp3", title: "Korean War #1: 三八線の向こう側、朝鮮戦争の始まりと終わりについての長い話",
                               audioOf: "library/a.mp3", in: library)
        try EpisodeFiles.write("2.mp3", title: "Korean War #2: 🎧 Interview 😀 with veterans about the Café de Flore",
                               audioOf: "long-tones.mp3", in: library)
        try EpisodeFiles.write("3.mp3", title: "Korean War #3: " + String(repeating: "A very long title ", count: 13),
                               audioOf: "library/b.mp3", in: library)
        return library
    }

    @Test func episodesFitTheTerminalInFixedColumnsAndPipesAreNotPadded() async throws {
        try await DaemonHarness.run("episodesFitTheTerminal", startDaemon: false) { h in
            let library = try EndToEnd.wideLibrary(h)
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nseries = \"Korean War\"\n")
            try await h.startDaemon()
            // #1 played, #2 paused at 0:12 (its progress text is the longest), #3 new.
            _ = try await h.control(["played", "1"])
            _ = try await h.play(["2", "--from", "12"])
            _ = try await h.control(["pause"])
            _ = try await h.control(["stop"])

            for width in [80, 60] {
                let shown = try await Terminal.run(h.binaries.wdfctl, ["episodes"], columns: width, environment: h.environment,
                                                   scratch: h.directory)
                #expect(shown.status == 0, "\(shown)")
                let rows = shown.stdoutLines.dropFirst()
                #expect(rows.count == 3, "\(shown.stdout)")
                for row in rows {
                    #expect(Terminal.columns(row) <= width, "\(Terminal.columns(row)) columns at \(width): \(row)")
                }
                // The length and progress columns start at the same column in every row, whatever
                // the title's characters and the progress text.
                let lengths = rows.compactMap { row in
                    Terminal.column(of: "~0:01", in: row).map { $0 + 5 } ?? Terminal.column(of: "2:00", in: row).map { $0 + 4 }
                }
                #expect(lengths.count == 3 && Set(lengths).count == 1, "\(lengths): \(shown.stdout)")
                let states = rows.compactMap { row in ["played", "0:12 of 2:00", "new"].lazy.compactMap { Terminal.column(of: $0, in: row) }.first }
                #expect(states.count == 3 && Set(states).count == 1, "\(states): \(shown.stdout)")
                #expect(rows.contains { $0.hasSuffix("played") } && rows.contains { $0.hasSuffix("0:12 of 2:00") }, "\(shown.stdout)")
                #expect(rows.contains { $0.contains("…") }, "the long title is cut: \(shown.stdout)")
            }

            // Piped: nothing padded, one tab between fields, the whole title.
            let piped = try await h.ctl(["episodes"])
            let lines = piped.stdoutLines.dropFirst()
            #expect(lines.count == 3, "\(piped)")
            #expect(lines.allSatisfy { !$0.hasSuffix(" ") && $0.split(separator: "\t", omittingEmptySubsequences: false).count == 5 },
                    "\(piped.stdout)")
            let cjk = lines.first { $0.hasPrefix("1\t") }
            #expect(cjk == "1\t三八線の向こう側、朝鮮戦争の始まりと終わりについての長い話\t~0:01\t\tplayed", "\(piped.stdout)")
            #expect(lines.contains { $0.contains(String(repeating: "A very long title ", count: 13).trimmingCharacters(in: .whitespaces)) },
                    "\(piped.stdout)")

            // The progress bar fills the terminal's width, and $COLUMNS when piped.
            _ = try await h.play(["2", "--from", "12"])
            _ = try await h.control(["pause"])
            for width in [50, 120] {
                let status = try await Terminal.run(h.binaries.wdfctl, ["status"], columns: width, environment: h.environment,
                                                    scratch: h.directory)
                let bar = status.stdoutLines.first { $0.contains("[") && $0.contains("%") }
                let used = bar.map(Terminal.columns) ?? 0
                #expect(used <= width && used >= width - 3, "\(used) of \(width): \(status.stdout)")
            }
            var environment = h.environment
            environment["COLUMNS"] = "100"
            let pipedStatus = try await ChildProcess.run(h.binaries.wdfctl, ["status"], environment: environment, scratch: h.directory)
            let pipedBar = pipedStatus.stdoutLines.first { $0.contains("[") && $0.contains("%") }.map(Terminal.columns) ?? 0
            #expect(pipedBar <= 100 && pipedBar >= 97, "\(pipedBar): \(pipedStatus.stdout)")
        }
    }

    @Test func statusForStatusBarsGlobalOptionsAndMistypedCommands() async throws {
        try await DaemonHarness.run("statusForStatusBars") { h in
            _ = try await h.play([EndToEnd.tones])
            _ = try await h.control(["pause"])
            _ = try await h.control(["seek", "12"])

            // `wdfctl` alone is `wdfctl status`.
            let bare = try await h.ctl([])
            #expect(bare.status == 0 && bare.stdoutLines.first == "⏸ Tone Test #3: Six Chapters  (paused)", "\(bare)")

            let short = try await h.ctl(["status", "--short"])
            #expect(short.stdout == "⏸ Tone Test #3: Six Chapters 0:12/0:30 [3/6 Tone 800]\n", "\(short)")
            let formatted = try await h.ctl(["status", "--format", "{{title}} {{position}}/{{length}} {{chapter}} {{percent}}% {{state}}"])
            #expect(formatted.stdout == "Tone Test #3: Six Chapters 0:12/0:30 Tone 800 40% paused\n", "\(formatted)")
            let unknown = try await h.ctl(["status", "--format", "{{titel}}"])
            #expect(unknown.status == 64 && unknown.stderr.contains("{{titel}}") && unknown.stderr.contains("title"), "\(unknown)")

            // Options before the command, as `mpc -h HOST status` takes them.
            let json = try await h.ctl(["--json", "status"])
            #expect(json.status == 0 && json.json["state"].string == "paused", "\(json)")
            var elsewhere = h.environment
            elsewhere["WDFPLAY_SOCKET"] = nil
            let socket = try await ChildProcess.run(h.binaries.wdfctl, ["--socket", h.socketPath, "--json", "status"],
                                                    environment: elsewhere, scratch: h.directory)
            #expect(socket.status == 0 && socket.json["state"].string == "paused", "\(socket)")

            let typo = try await h.ctl(["stauts"])
            #expect(typo.status == 64 && typo.stderr.contains("did you mean `wdfctl status`"), "\(typo)")
            let play = try await h.ctl(["play", "6"])
            #expect(play.status == 64 && play.stderr.contains("`wdfplay 6`"), "\(play)")
            let resumed = try await h.ctl(["play"])
            #expect(resumed.status == 0 && resumed.stdout.hasPrefix("▶"), "\(resumed)")
        }
    }

    @Test func jsonErrorsOnStdout() async throws {
        let config = EndToEnd.baseConfig + "library = \"\(EndToEnd.library)\"\n"
        try await DaemonHarness.run("jsonErrorsOnStdout", config: config) { h in
            try EpisodeFiles.write("plain.mp3", title: "Plain", audioOf: "tones.mp3", in: h.directory.appendingPathComponent("plain"))
            _ = try await h.play([EndToEnd.tones])
            let chapter = try await h.ctl(["chapter", "99", "--json"])
            #expect(chapter.status == 1, "\(chapter)")
            #expect(chapter.json["error"]["code"].string == "no_such_chapter", "\(chapter)")
            #expect(chapter.json["error"]["message"].string == "There is no chapter 99; this episode has 6.", "\(chapter)")
            // The candidates of an ambiguous name are in the detail.
            let ambiguous = try await h.ctl(["info", "korean", "--json"])
            #expect(ambiguous.status == 1 && ambiguous.json["error"]["code"].string == "ambiguous_episode", "\(ambiguous)")
            #expect((ambiguous.json["error"]["detail"]["candidates"].array?.count ?? 0) >= 2, "\(ambiguous)")
            // The quick path (next, prev, pause…) does the same.
            _ = try await h.play([h.directory.path + "/plain/plain.mp3"])
            let next = try await h.ctl(["next", "--json"])
            #expect(next.status == 1 && next.json["error"]["code"].string == "no_chapters", "\(next)")
            // A daemon that is not there: nothing on stdout, exit 69 (RobustnessTests.noDaemon).
        }
    }

    @Test func seekFormsAndChapterWords() async throws {
        try await DaemonHarness.run("seekFormsAndChapterWords") { h in
            _ = try await h.play([EndToEnd.tones])
            _ = try await h.control(["pause"])
            func position(_ arguments: [String]) async throws -> Double? {
                let result = try await h.ctl(arguments + ["--json"])
                #expect(result.status == 0, "\(result)")
                return result.json["position"].double
            }
            #expect(EndToEnd.near(try await position(["seek", "50%"]), 15, 0.05))
            #expect(EndToEnd.near(try await position(["seek", "0m20s"]), 20, 0.05))
            let back = try await h.ctl(["--json", "seek", "--", "-15"])
            #expect(back.status == 0 && EndToEnd.near(back.json["position"].double, 5, 0.05), "\(back)")
            #expect(EndToEnd.near(try await position(["seek", "+10%"]), 8, 0.05))
            let past = try await h.ctl(["seek", "1m30s"])
            #expect(past.status == 1 && past.stderr.contains("past the end"), "\(past)")
            let chapter = try await h.ctl(["chapter", "tone", "1000", "--json"])
            #expect(chapter.status == 0 && chapter.json["chapter"]["number"].int == 4, "\(chapter)")
        }
    }

    @Test func nextWithoutChaptersAndEpisodeSteps() async throws {
        try await DaemonHarness.run("nextWithoutChaptersAndEpisodeSteps", startDaemon: false) { h in
            let library = h.directory.appendingPathComponent("library")
            for (n, name) in [(1, "First Steps"), (4, "Fourth"), (7, "Seventh")] {
                try EpisodeFiles.write("\(n).mp3", title: "Korean War #\(n): \(name)", audioOf: "tones.mp3", in: library)
            }
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\n")
            try await h.startDaemon()
            _ = try await h.play(["4"])
            _ = try await h.control(["pause"])
            let next = try await h.ctl(["next"])
            #expect(next.status == 1 && next.stderr.contains("`wdfctl next-episode` goes to the next episode"), "\(next)")
            let prev = try await h.ctl(["prev"])
            #expect(prev.status == 1 && prev.stderr.contains("`wdfctl prev-episode`"), "\(prev)")

            // The neighbours by number: 4 → 7 (the last) → 4 → 1 (the first).
            let forward = try await h.ctl(["next-episode", "--json"])
            #expect(forward.status == 0 && forward.json["episode"]["number"].int == 7, "\(forward)")
            let last = try await h.ctl(["next-episode"])
            #expect(last.status == 1 && last.stderr.contains("#7 is the last episode of Korean War"), "\(last)")
            let back = try await h.ctl(["prev-episode"])
            #expect(back.status == 0 && back.stdout.contains("Korean War #4: Fourth"), "\(back)")
            let back2 = try await h.ctl(["previous-episode", "--json"])
            #expect(back2.status == 0 && back2.json["episode"]["number"].int == 1, "\(back2)")
            let first = try await h.ctl(["prev-episode", "--json"])
            #expect(first.status == 1 && first.json["error"]["message"].string == "#1 is the first episode of Korean War.", "\(first)")
        }
    }
}
