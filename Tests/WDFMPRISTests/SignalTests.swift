import Foundation
import WDFMPRIS
import XCTest

/// `Seeked` and `PropertiesChanged` as another client sees them (dbus-monitor on the private bus).
final class SignalTests: BusTestCase {
    /// dbus-monitor watching the service's object, once it is listening.
    private func monitor() throws -> Child {
        let child = try Child(["dbus-monitor", "--address", bus.address,
                               "type='signal',path='\(MPRISService.objectPath)'"])
        // As a monitor it first sees the bus take its name back: from then on it sees everything.
        try pump("dbus-monitor to listen", children: [child]) { child.text.contains("member=NameLost") }
        return child
    }

    /// The message blocks dbus-monitor printed for `member`.
    private func messages(_ monitor: Child, _ member: String) -> [String] {
        monitor.text.components(separatedBy: "\nsignal ").filter { $0.contains("member=\(member)") }
    }

    /// Waits until dbus-monitor has printed everything sent so far: the bus keeps a sender's
    /// order, so once a `Seeked` sent last (with a position of its own) is printed whole, every
    /// signal before it is too.
    private func settle(_ monitor: Child, marker: Int) throws {
        player.position = Double(marker)
        service.seeked()
        try pump("the Seeked marker \(marker)", children: [monitor]) {
            monitor.text.contains("int64 \(marker * 1_000_000)\n")
        }
    }

    func testSeekedCarriesThePositionInMicroseconds() throws {
        let watch = try monitor()
        player.position = 42.5
        service.seeked()
        try pump("Seeked", children: [watch]) { watch.text.contains("int64 42500000\n") }
        XCTAssertTrue(messages(watch, "Seeked")[0].contains("int64 42500000"), watch.text)
    }

    func testPropertiesChangedNamesWhatChangedAndNeverPosition() throws {
        let watch = try monitor()
        player.state.playback = .playing
        player.position = 300
        service.stateChanged()
        try settle(watch, marker: 1)
        let first = messages(watch, "PropertiesChanged")[0]
        XCTAssertTrue(first.contains("string \"PlaybackStatus\"") && first.contains("string \"Playing\""), first)
        XCTAssertFalse(first.contains("Position"), "Position is never announced")
        XCTAssertFalse(first.contains("Metadata"), "only what changed")

        // Nothing changed: nothing is sent. Then a new episode: Metadata with its new track id.
        service.stateChanged()
        player.state.track?.key = "/podcasts/Korean War/07.mp3"
        player.state.track?.title = "Korean War #7"
        service.stateChanged()
        try settle(watch, marker: 2)
        let second = messages(watch, "PropertiesChanged")[1]
        XCTAssertTrue(second.contains("string \"Metadata\"") && second.contains("Korean War #7"), second)
        XCTAssertFalse(second.contains("PlaybackStatus"), second)

        // A pause through the bus is announced too (process() compares after the call).
        try playerctl("pause")
        try settle(watch, marker: 3)
        XCTAssertTrue(messages(watch, "PropertiesChanged")[2].contains("string \"Paused\""))
        XCTAssertEqual(messages(watch, "PropertiesChanged").count, 3, watch.text)
    }
}
