import WDFMPRIS
import XCTest

/// The real playerctl on a private session bus drives the service, which hands the test player
/// commands with the right arguments.
final class PlayerctlTests: BusTestCase {
    func testPlayerctlListsWdfplayAndIdleServiceAsksForNoWakeUp() throws {
        let (status, output) = try run(["playerctl", "-l"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output.split(separator: "\n"), ["wdfplay"])
        XCTAssertEqual(service.ownedName, "org.mpris.MediaPlayer2.wdfplay")
        // Connected and idle: no timeout, so the daemon's poll sleeps until something happens.
        XCTAssertEqual(service.pollTimeout, -1)
        XCTAssertEqual(service.pollDescriptor?.events, Int16(POLLIN))
    }

    func testStatusPlayPausePlayPause() throws {
        XCTAssertEqual(try playerctl("status"), "Paused")
        try playerctl("play")
        XCTAssertEqual(player.commands, [.play])
        XCTAssertEqual(try playerctl("status"), "Playing")
        try playerctl("pause")
        try playerctl("play-pause")
        XCTAssertEqual(player.commands, [.play, .pause, .playPause])
        XCTAssertEqual(try playerctl("status"), "Playing")
        try playerctl("stop")
        XCTAssertEqual(try playerctl("status"), "Stopped")
        XCTAssertEqual(player.commands.last, .stop)
    }

    func testNextAndPreviousOnlyWhenThePlayerCan() throws {
        try playerctl("next")
        try playerctl("previous")
        XCTAssertEqual(player.commands, [.next, .previous])
        // CanGoNext/CanGoPrevious false: playerctl does not even ask, and a caller that does
        // (gdbus) gets no effect, as the spec says.
        player.state.canGoNext = false
        player.state.canGoPrevious = false
        service.stateChanged()
        XCTAssertEqual(try run(["playerctl", "-p", "wdfplay", "next"]).status, 1)
        XCTAssertEqual(try gdbusCall("Next").status, 0)
        XCTAssertEqual(try gdbusCall("Previous").status, 0)
        XCTAssertEqual(player.commands, [.next, .previous])
    }

    func testPositionAbsoluteAndRelative() throws {
        try playerctl("position", "600")
        XCTAssertEqual(player.commands, [.seek(to: 600)])
        XCTAssertEqual(try playerctl("position"), "600.000000")
        try playerctl("position", "10+")
        XCTAssertEqual(player.commands.last, .seek(to: 610))
        try playerctl("position", "30-")
        XCTAssertEqual(player.commands.last, .seek(to: 580))
        player.state.canSeek = false
        XCTAssertEqual(try gdbusCall("Seek", "10000000").status, 0)
        XCTAssertEqual(player.commands.count, 3, "CanSeek false: Seek has no effect")
    }

    func testVolume() throws {
        try playerctl("volume", "0.5")
        XCTAssertEqual(player.commands, [.setVolume(0.5)])
        XCTAssertEqual(try playerctl("volume"), "0.500000")
        try playerctl("volume", "4")
        XCTAssertEqual(player.commands.last, .setVolume(1.5), "above the player's maximum: its maximum")
    }

    func testMetadata() throws {
        func field(_ key: String) throws -> String { try playerctl("metadata", key) }
        XCTAssertEqual(try field("xesam:title"), "Korean War #6: Sino-Soviet Talks Part 2")
        XCTAssertEqual(try field("xesam:album"), "Korean War")
        XCTAssertEqual(try field("xesam:artist"), "The Podcast")
        XCTAssertEqual(try field("xesam:trackNumber"), "6")
        XCTAssertEqual(try field("mpris:length"), "1800000000")
        XCTAssertEqual(try field("xesam:url"), "file:///podcasts/Korean%20War/06%20Talks.mp3")
        XCTAssertEqual(try field("mpris:artUrl"), "file:///cache/art/06.jpg")
        XCTAssertTrue(try field("mpris:trackid").hasPrefix("'/org/wdfplay/track/e"))
        // A title from a tag with a terminal escape, a NUL and a bidi override reaches the bus
        // as harmless, valid UTF-8; 100 kB of it is cut to the bound.
        player.state.track?.title = "Evil\u{1B}]0;owned\u{07}\u{0}\u{202E}gnp.exe" + String(repeating: "é", count: 50_000)
        let title = try field("xesam:title")
        XCTAssertTrue(title.hasPrefix("Evil^[]0;owned^G^@<U+202E>gnp.exe"), title)
        XCTAssertLessThanOrEqual(title.utf8.count, MPRISText.maximumBytes)
        XCTAssertTrue(title.hasSuffix("é…"))
    }

    func testRateWithinTheRangeAndZeroPauses() throws {
        player.state.playback = .playing
        _ = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName, "--object-path", MPRISService.objectPath,
                     "--method", "org.freedesktop.DBus.Properties.Set", "org.mpris.MediaPlayer2.Player", "Rate", "<1.5>"])
        XCTAssertEqual(player.commands, [.setRate(1.5)])
        let (status, output) = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName,
                                        "--object-path", MPRISService.objectPath, "--method",
                                        "org.freedesktop.DBus.Properties.Set", "org.mpris.MediaPlayer2.Player", "Rate", "<7.0>"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("The rate 7.0 is outside 0.5–3.0."), output)
        _ = try run(["gdbus", "call", "--session", "--dest", MPRISService.busName, "--object-path", MPRISService.objectPath,
                     "--method", "org.freedesktop.DBus.Properties.Set", "org.mpris.MediaPlayer2.Player", "Rate", "<0.0>"])
        XCTAssertEqual(player.commands, [.setRate(1.5), .pause], "Rate 0 acts as Pause (the spec)")
    }
}
