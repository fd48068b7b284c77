import Testing
import WDFCore
import WDFLibrary
import WDFPlatform
import WDFTestSupport

/// The rewind grows with the time since the position was last saved (`updated` in positions.json).
@Suite("Resume rewind from the store")
struct ResumeRewindStoreTests {
    @Test func theStoreRewindsMoreAfterLongerAway() throws {
        let dir = TemporaryDirectory.make("rewind")
        let text = #"{"version":1,"last":"/a.mp3","episodes":{"/a.mp3":{"position":600,"duration":3600,"finished":false,"played":false,"updated":1000000},"/old.mp3":{"position":600,"duration":3600,"finished":false,"played":false,"updated":0}}}"#
        try FileSystem.writeAtomically(dir + "/positions.json", Array(text.utf8), durable: false)
        var store = ResumeStore(directory: dir)
        #expect(store.load() == nil)
        #expect(store.startPosition(for: "/a.mp3", base: 3, now: 1_000_030) == 597)
        #expect(store.startPosition(for: "/a.mp3", base: 3, now: 1_000_000 + 3600) == 590)
        #expect(store.startPosition(for: "/a.mp3", base: 3, now: 1_000_000 + 2 * 86_400) == 580)
        #expect(store.startPosition(for: "/a.mp3", base: 6, now: 1_000_000 + 2 * 86_400) == 560)
        // The clock went back, or no time was saved: the base.
        #expect(store.startPosition(for: "/a.mp3", base: 3, now: 5) == 597)
        #expect(store.startPosition(for: "/old.mp3", base: 3, now: 1_000_000 + 86_400) == 597)
        #expect(store.startPosition(for: "/never.mp3", base: 3, now: 1_000_000) == 0)
    }
}
