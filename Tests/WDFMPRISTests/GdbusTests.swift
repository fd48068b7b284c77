import Foundation
import WDFMPRIS
import XCTest

/// Calls that playerctl does not make, and hostile arguments, sent with gdbus.
final class GdbusTests: BusTestCase {
    private var trackID: String {
        get throws {
            let (_, output) = try run(["playerctl", "-p", "wdfplay", "metadata", "mpris:trackid"])
            return output.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
    }

    func testSetPositionWithAStaleTrackIdOrOutOfRangeIsIgnored() throws {
        let current = try trackID
        XCTAssertEqual(try gdbusCall("SetPosition", "/org/wdfplay/track/e0000000000000000", "5000000").status, 0)
        XCTAssertEqual(try gdbusCall("SetPosition", current, "@x -1").status, 0)
        XCTAssertEqual(try gdbusCall("SetPosition", current, "1800000001").status, 0)
        XCTAssertEqual(try gdbusCall("SetPosition", current, "9223372036854775807").status, 0)
        XCTAssertEqual(player.commands, [], "a stale track id, a negative or a past-the-end position: ignored")
        XCTAssertEqual(try gdbusCall("SetPosition", current, "1800000000").status, 0)
        XCTAssertEqual(player.commands, [.seek(to: 1800)], "the same call with this track's id and a position in it acts")
    }

    func testSeekByExtremeOffsetsIsClampedToTheTrack() throws {
        XCTAssertEqual(try gdbusCall("Seek", "@x -9223372036854775808").status, 0)
        XCTAssertEqual(try gdbusCall("Seek", "9223372036854775807").status, 0)
        XCTAssertEqual(player.commands, [.seek(to: 0), .seek(to: 1800)])
    }

    func testOpenUriTakesLocalFileURIsOnly() throws {
        XCTAssertEqual(try gdbusCall("OpenUri", "file:///podcasts/My%20Show/%C3%A9pisode%231.mp3").status, 0)
        XCTAssertEqual(player.commands, [.open(path: "/podcasts/My Show/épisode#1.mp3")])
        let refused: [(String, String)] = [
            ("http://example.com/a.mp3", "Only file:// URIs can be opened"),
            ("file://otherhost/a.mp3", "names another host"),
            ("file:///tmp/a%00b.mp3", "NUL byte"),
            ("file:///tmp/a%ff.mp3", "not UTF-8"),
            ("file:///tmp/a%2", "broken % escape"),
            ("file:///" + String(repeating: "a", count: 20_000), "longer than"),
        ]
        for (uri, reason) in refused {
            let (status, output) = try gdbusCall("OpenUri", uri)
            XCTAssertNotEqual(status, 0, uri)
            XCTAssertTrue(output.contains(reason), "\(uri): \(output)")
            XCTAssertLessThan(output.utf8.count, 2000, "the error names the URI, bounded")
        }
        XCTAssertEqual(player.commands.count, 1, "nothing refused reached the player")
        player.refusal = "The file /podcasts/x.mp3 does not exist."
        let (status, output) = try gdbusCall("OpenUri", "file:///podcasts/x.mp3")
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("The file /podcasts/x.mp3 does not exist."), output)
    }

    func testPlayPauseWhenNothingCanBePausedIsAnError() throws {
        player.state.canPause = false
        let (status, output) = try gdbusCall("PlayPause")
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("NotSupported"), output)
        XCTAssertEqual(player.commands, [])
    }

    func testNoTrackHasTheSpecsNoTrackId() throws {
        player.state.track = nil
        let (status, output) = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName,
                                        "--object-path", MPRISService.objectPath, "--method",
                                        "org.freedesktop.DBus.Properties.Get", "org.mpris.MediaPlayer2.Player", "Metadata"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output, "(<{'mpris:trackid': <objectpath '/org/mpris/MediaPlayer2/TrackList/NoTrack'>}>,)")
    }

    func testRootInterface() throws {
        let (status, output) = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName,
                                        "--object-path", MPRISService.objectPath, "--method",
                                        "org.freedesktop.DBus.Properties.GetAll", "org.mpris.MediaPlayer2"])
        XCTAssertEqual(status, 0)
        for expected in ["'CanQuit': <true>", "'CanRaise': <false>", "'HasTrackList': <false>", "'Identity': <'wdfplay'>",
                         "'SupportedUriSchemes': <['file']>", "'SupportedMimeTypes': <['audio/mpeg']>"] {
            XCTAssertTrue(output.contains(expected), "\(expected) in \(output)")
        }
        _ = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName, "--object-path", MPRISService.objectPath,
                     "--method", "org.mpris.MediaPlayer2.Quit"])
        XCTAssertEqual(player.commands, [.quit])
    }

    func testPositionIsNeverAnnouncedAndTheRestIs() throws {
        let (status, output) = try run(["gdbus", "introspect", "--session", "--dest", MPRISService.busName,
                                        "--object-path", MPRISService.objectPath])
        XCTAssertEqual(status, 0)
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let position = lines.firstIndex(where: { $0.hasPrefix("readonly x Position = ") }) else {
            return XCTFail(output)
        }
        XCTAssertEqual(lines[position - 1], "@org.freedesktop.DBus.Property.EmitsChangedSignal(\"false\")")
        XCTAssertTrue(lines.contains("readwrite d Volume = 1.0;") && lines.contains("readwrite d Rate = 1.0;"), output)
        XCTAssertTrue(lines.contains("Seeked(x Position);") && lines.contains("SetPosition(in  o TrackId,"), output)
        // Everything else is announced (or constant).
        let announced = lines.filter { $0.hasPrefix("@org.freedesktop.DBus.Property.EmitsChangedSignal(\"false\")") }
        XCTAssertEqual(announced.count, 1, output)
    }

    func testASecondPlayerOnTheBusGetsAnInstanceName() throws {
        let second = MPRISService(player: TestPlayer(), options: .init(address: bus.address)) { _, _ in }
        second.start()
        let keep = service!
        service = second  // the test's loop serves the second one now; the first has its name already
        try pump("the second name") { second.ownedName != nil }
        XCTAssertEqual(second.ownedName, "org.mpris.MediaPlayer2.wdfplay.instance\(getpid())")
        XCTAssertEqual(keep.ownedName, "org.mpris.MediaPlayer2.wdfplay")
        let (_, names) = try run(["playerctl", "-l"])
        XCTAssertEqual(Set(names.split(separator: "\n")), ["wdfplay", "wdfplay.instance\(getpid())"])
    }

    func testArgumentsOfTheWrongTypeNeverReachThePlayer() throws {
        XCTAssertNotEqual(try gdbusCall("Seek", "'far'").status, 0)
        XCTAssertNotEqual(try gdbusCall("SetPosition", "'/not/a/path'", "'5'").status, 0)
        XCTAssertNotEqual(try gdbusCall("OpenUri", "42").status, 0)
        let (status, output) = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName,
                                        "--object-path", MPRISService.objectPath, "--method",
                                        "org.freedesktop.DBus.Properties.Set", "org.mpris.MediaPlayer2.Player", "Volume", "<'loud'>"])
        XCTAssertNotEqual(status, 0, output)
        XCTAssertEqual(player.commands, [])
        XCTAssertEqual(try playerctl("status"), "Paused", "the service still answers")
    }
}
