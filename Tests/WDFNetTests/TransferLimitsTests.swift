import Testing
@testable import WDFNet

/// The limits every transfer runs under (issue #11): read from the environment with every bad
/// value named, and the download ceiling at the edges of Int.
@Suite("WDFNetTests: transfer limits")
struct TransferLimitsTests {
    @Test func defaults() throws {
        let limits = try TransferLimits(environment: [:])
        #expect(limits == TransferLimits())
        #expect(limits.downloadMaximum == 2 << 30 && limits.feedTimeout == 300 && limits.minimumSpeed == 1024)
    }

    @Test func environmentSetsEach() throws {
        let limits = try TransferLimits(environment: [
            "WDFPLAY_FEED_TIMEOUT": "5", "WDFPLAY_DOWNLOAD_TIMEOUT": "30", "WDFPLAY_MIN_SPEED": "100",
            "WDFPLAY_MIN_SPEED_TIME": "2", "WDFPLAY_DOWNLOAD_MAX": " 4194304 ", "WDFPLAY_LOCK_WAIT": "0",
        ])
        #expect(limits.feedTimeout == 5 && limits.downloadTimeout == 30 && limits.minimumSpeed == 100)
        #expect(limits.minimumSpeedTime == 2 && limits.downloadMaximum == 4 << 20 && limits.lockWait == 0)
        #expect(try TransferLimits(environment: ["WDFPLAY_DOWNLOAD_MAX": "\(Int.max)"]).downloadMaximum == Int.max)
    }

    @Test(arguments: ["", "0", "-1", "1e9", "9223372036854775808", "99999999999999999999", "NaN", "inf", "5 s", "0x10", "１２"])
    func badValuesAreNamed(_ value: String) {
        #expect {
            _ = try TransferLimits(environment: ["WDFPLAY_FEED_TIMEOUT": value])
        } throws: { error in
            (error as? TransferError)?.message.hasPrefix("$WDFPLAY_FEED_TIMEOUT must be a whole number from 1 to 86400") == true
        }
    }

    @Test func ceiling() {
        let limits = TransferLimits()
        #expect(limits.downloadCeiling(declared: nil, announced: nil) == 2 << 30)
        #expect(limits.downloadCeiling(declared: 0, announced: -5) == 2 << 30)
        #expect(limits.downloadCeiling(declared: 10_000, announced: nil) == 10_000 + (8 << 20))
        #expect(limits.downloadCeiling(declared: 1000, announced: 80 << 20) == (80 << 20) + (10 << 20))
        #expect(limits.downloadCeiling(declared: Int.max, announced: nil) == 2 << 30)
        #expect(limits.downloadCeiling(declared: nil, announced: Int.max - 1) == 2 << 30)
        var unlimited = TransferLimits()
        unlimited.downloadMaximum = Int.max
        #expect(unlimited.downloadCeiling(declared: Int.max - 5, announced: nil) == Int.max)
        #expect(unlimited.downloadCeiling(declared: Int.min, announced: Int.min) == Int.max)
    }

    @Test func origins() {
        #expect(TransferOrigin.ofFeed("https://e.com/feed") == .remote)
        #expect(TransferOrigin.ofFeed("FILE:///home/a/feed.xml") == .local)
        #expect(TransferOrigin.ofFeed("") == .remote)
        for url in ["http://e.com/a.mp3", "HTTPS://e.com/a.mp3"] {
            #expect(TransferOrigin.remote.refusal(url) == nil)
        }
        #expect(TransferOrigin.remote.refusal("file:///etc/passwd")?.contains("is a local file") == true)
        #expect(TransferOrigin.remote.refusal("FiLe:/etc/passwd") != nil)
        #expect(TransferOrigin.local.refusal("file:///home/a/1.mp3") == nil)
        for url in ["ftp://e.com/a", "gopher://e.com", "dict://e.com", "/etc/passwd", "", "scp://x"] {
            #expect(TransferOrigin.remote.refusal(url) != nil && TransferOrigin.local.refusal(url) != nil, "\(url)")
        }
    }

    @Test func headerCounts() {
        #expect(BodySink.count("9000000000000000000") == 9_000_000_000_000_000_000)
        #expect(BodySink.count(" 42 ") == 42)
        for bad in ["-5", "9223372036854775808", "99999999999999999999", "1e3", "", "+5", "0x10"] {
            #expect(BodySink.count(Substring(bad)) == nil, "\(bad)")
        }
        #expect(BodySink.sum(Int.max, 1) == nil && BodySink.sum(Int.max - 1, 1) == Int.max)
    }

    @Test func bytesAtTheEdges() {
        #expect(Bytes.text(Int.max) == "9223372036.9 GB")
        #expect(Bytes.text(9_000_000_000_000_000_000) == "9000000000.0 GB")
        #expect(Bytes.text(0) == "0 B" && Bytes.text(999) == "999 B" && Bytes.text(1000) == "1.0 kB")
    }
}
