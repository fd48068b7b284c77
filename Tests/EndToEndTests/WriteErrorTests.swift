import Foundation
import Testing
import WDFTestSupport

/// Issue 12 item 18 for wdfplay, wdfplay-config and wdfplay-feed (wdfctl: `errorsSayWhatIsWrong`):
/// output that cannot be written is exit status 74 and one sentence on stderr, not a silent 0.
extension EndToEnd {
    @Test func everyProgramSaysWhenItsOutputCannotBeWritten() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        try await DaemonHarness.run("writeErrors", config: EndToEnd.baseConfig) { h in
            let sentence = "Cannot write to standard output: No space left on device."
            /// `program ARGS > /dev/full`.
            func toFull(_ program: URL, _ arguments: [String]) async throws -> ChildProcess.Result {
                try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" \"$@\" > /dev/full", program.path] + arguments,
                                           environment: h.environment, scratch: h.directory)
            }
            let b = h.binaries

            // wdfplay-config prints the settings (as text and as JSON); with stdout in a file, 0.
            #expect(try await ChildProcess.run(b.wdfplayConfig, [], environment: h.environment, scratch: h.directory).status == 0)
            for arguments in [[], ["--json"]] {
                let config = try await toFull(b.wdfplayConfig, arguments)
                #expect(config.status == 74 && config.stderr.contains(sentence), "wdfplay-config \(arguments): \(config)")
            }

            // What ArgumentParser prints itself (through stdio) before it exits: --help and --version.
            for (program, arguments) in [(b.wdfplay, ["--version"]), (b.wdfplay, ["--help"]), (b.wdfplayConfig, ["--version"]),
                                         (b.wdfplayFeed, ["--help"]), (b.wdfplayFeed, ["sync", "--help"]),
                                         (b.wdfctl, ["--help"]), (b.wdfctl, ["--version"])] {
                let text = try await toFull(program, arguments)
                #expect(text.status == 74 && text.stderr.contains(sentence), "\(program.lastPathComponent) \(arguments): \(text)")
            }

            // wdfplay: the daemon plays the episode, the line saying so is lost, and the status says it.
            let play = try await toFull(b.wdfplay, [EndToEnd.tones])
            #expect(play.status == 74 && play.stderr.contains(sentence), "\(play)")
            let status = try await h.status()
            #expect(status["state"].string == "playing" && status["episode"]["path"].string == EndToEnd.tones, "\(status)")

            // wdfplay-feed sync: the feed store is saved; the summary (text or JSON) is lost.
            let library = h.directory.appendingPathComponent("library")
            let xml = EndToEnd.feedXML(base: server.baseURL, lengths: [1: 1000])
            server.set("/feed.xml", .bytes(Array(xml.utf8), contentType: "application/rss+xml"))
            try h.writeConfig(EndToEnd.baseConfig + "library = \"\(library.path)\"\nfeed = \"\(server.baseURL)/feed.xml\"\n")
            for arguments in [["sync"], ["sync", "--json"]] {
                let sync = try await toFull(b.wdfplayFeed, arguments)
                #expect(sync.status == 74 && sync.stderr.contains(sentence), "wdfplay-feed \(arguments): \(sync)")
            }
            let store = h.stateHome.appendingPathComponent("wdfplay/feed.json")
            let saved = try String(contentsOf: store, encoding: .utf8)
            #expect(saved.contains("First Steps"), "\(saved)")
        }
    }
}
