@testable import WDFMPRIS
import XCTest

/// The conversions and rules, without a bus.
final class MPRISRulesTests: XCTestCase {
    func testFileURIBothWays() throws {
        XCTAssertEqual(FileURI.encode(path: "/a b/é#?%.mp3"), "file:///a%20b/%C3%A9%23%3F%25.mp3")
        XCTAssertEqual(try FileURI.decode("file:///a%20b/%C3%A9%23%3F%25.mp3"), "/a b/é#?%.mp3")
        XCTAssertEqual(try FileURI.decode("FILE://localhost/x.mp3"), "/x.mp3")
        for bad in ["file:x.mp3", "file://", "file:///a?b", "file:///a#b", "file:///%", "file:///%zz", "relative", ""] {
            XCTAssertThrowsError(try FileURI.decode(bad), bad)
        }
    }

    func testSeekTargetNeverTraps() {
        XCTAssertEqual(MPRISObject.seekTarget(position: 100, offset: 10_000_000, duration: 1800), 110)
        XCTAssertEqual(MPRISObject.seekTarget(position: 100, offset: .min, duration: 1800), 0)
        XCTAssertEqual(MPRISObject.seekTarget(position: 100, offset: .max, duration: 1800), 1800)
        XCTAssertEqual(MPRISObject.seekTarget(position: .nan, offset: 5_000_000, duration: nil), 5)
        XCTAssertEqual(MPRISObject.seekTarget(position: .infinity, offset: .max, duration: .nan), 10_000_000)
    }

    func testSetPositionRules() {
        let track = TestPlayer.track
        let id = MPRISMetadata.trackID(track)
        XCTAssertEqual(MPRISObject.position(600_000_000, trackID: id, in: track), 600)
        XCTAssertNil(MPRISObject.position(600_000_000, trackID: MPRISMetadata.noTrack, in: track))
        XCTAssertNil(MPRISObject.position(-1, trackID: id, in: track))
        XCTAssertNil(MPRISObject.position(.max, trackID: id, in: track))
        XCTAssertNil(MPRISObject.position(0, trackID: id, in: nil))
    }

    func testTrackIDIsAValidObjectPathForAnyKey() {
        for key in ["", "/a b/é\u{0}", String(repeating: "x", count: 100_000)] {
            var track = TestPlayer.track
            track.key = key
            let id = MPRISMetadata.trackID(track)
            XCTAssertTrue(id.hasPrefix("/org/wdfplay/track/e"))
            XCTAssertEqual(id.utf8.count, "/org/wdfplay/track/e".utf8.count + 16)
            XCTAssertTrue(id.utf8.allSatisfy { $0 == UInt8(ascii: "/") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        }
    }

    func testMetadataLeavesOutWhatCannotBeTrusted() {
        var track = TestPlayer.track
        track.duration = .nan
        track.number = Int(Int32.max) + 1
        track.path = "relative/path.mp3"
        track.artPath = nil
        track.artURL = "javascript:alert(1)"
        let keys = MPRISMetadata.entries(track).map(\.key)
        XCTAssertEqual(keys, ["mpris:trackid", "xesam:title", "xesam:album", "xesam:artist"])
        track.artURL = "https://example.com/a b.jpg"
        XCTAssertFalse(MPRISMetadata.entries(track).map(\.key).contains("mpris:artUrl"), "a space: not a URL as it is")
        track.artURL = "https://example.com/cover.jpg"
        XCTAssertTrue(MPRISMetadata.entries(track).contains(BusEntry("mpris:artUrl", .string("https://example.com/cover.jpg"))))
        XCTAssertEqual(MPRISMetadata.microseconds(1e300), nil)
        XCTAssertEqual(MPRISMetadata.microseconds(-1), nil)
        XCTAssertEqual(MPRISMetadata.microseconds(1.5), 1_500_000)
    }

    func testVolumeAndRateChecks() throws {
        XCTAssertEqual(try MPRISObject.volume(-3, maximum: 1.5), 0)
        XCTAssertEqual(try MPRISObject.volume(9, maximum: 1.5), 1.5)
        XCTAssertThrowsError(try MPRISObject.volume(.nan, maximum: 1.5))
        XCTAssertThrowsError(try MPRISObject.volume(.infinity, maximum: 1.5))
        let state = MPRISState(minimumRate: 0.5, maximumRate: 3)
        XCTAssertEqual(try MPRISObject.rate(2, in: state), 2)
        XCTAssertNil(try MPRISObject.rate(0, in: state))
        XCTAssertThrowsError(try MPRISObject.rate(0.25, in: state))
        XCTAssertThrowsError(try MPRISObject.rate(-.infinity, in: state))
    }

    func testChangesNameOnlyWhatDiffers() {
        let old = TestPlayer().state
        var new = old
        XCTAssertEqual(MPRISService.changes(from: old, to: new), [])
        new.volume = 0.5
        new.canSeek = false
        XCTAssertEqual(MPRISService.changes(from: old, to: new), ["Volume", "CanSeek"])
        XCTAssertEqual(MPRISService.changes(from: nil, to: new).count, 11)
        XCTAssertFalse(MPRISService.changes(from: nil, to: new).contains("Position"))
    }

    func testReconnectingForgetsTheOldServersGUID() {
        XCTAssertEqual(MPRISService.withoutGUID("unix:path=/tmp/bus,guid=0123abcd"), "unix:path=/tmp/bus")
        XCTAssertEqual(MPRISService.withoutGUID("unix:guid=1,path=/a;tcp:host=x,guid=2,port=9"), "unix:path=/a;tcp:host=x,port=9")
        XCTAssertEqual(MPRISService.withoutGUID("unix:path=/run/user/1000/bus"), "unix:path=/run/user/1000/bus")
    }

    func testTextIsBoundedAtACharacterAndCleaned() {
        XCTAssertEqual(MPRISText.bounded("a\u{1B}b\nc"), "a^[b^Jc")
        let long = MPRISText.bounded(String(repeating: "👍", count: 1000), limit: 10)
        XCTAssertEqual(long, "👍…")
    }
}
