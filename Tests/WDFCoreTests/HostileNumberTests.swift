import Glibc
import Testing
@testable import WDFCore

/// Numbers at the limits (±infinity, NaN, 1e308, 2^63, -0, negative) on their way to integers
/// and positions: each is refused with a sentence or clamped, never a trap.
@Suite("Hostile numbers")
struct HostileNumberTests {
    static let twoTo63 = 9_223_372_036_854_775_808.0

    @Test func saturatingIntegerConversion() {
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: .infinity) == .max)
        #expect(Int(saturating: -.infinity) == .min)
        #expect(Int(saturating: 1e308) == .max)
        #expect(Int(saturating: -1e308) == .min)
        #expect(Int(saturating: HostileNumberTests.twoTo63) == .max)
        #expect(Int(saturating: -HostileNumberTests.twoTo63) == .min)
        #expect(Int(saturating: HostileNumberTests.twoTo63.nextDown) == 9_223_372_036_854_774_784)
        #expect(Int(saturating: -0.0) == 0)
        #expect(Int(saturating: -2.9) == -2)
        #expect(Int(saturating: 2.9) == 2)
        #expect(Int(saturating: .leastNonzeroMagnitude) == 0)
    }

    @Test func mediaTimeValidity() {
        for bad in [Double.nan, .infinity, -.infinity, 1e308, HostileNumberTests.twoTo63, 1e19, -1, -1e-9, MediaTime.maximum.nextUp] {
            #expect(!MediaTime.isValid(bad), "\(bad)")
            #expect(MediaTime.valid(bad) == nil, "\(bad)")
        }
        for good in [0.0, -0.0, 0.001, 3600, MediaTime.maximum] {
            #expect(MediaTime.isValid(good), "\(good)")
        }
        #expect(MediaTime.clamped(.nan) == 0)
        #expect(MediaTime.clamped(-5) == 0)
        #expect(MediaTime.clamped(1e300) == MediaTime.maximum)
    }

    @Test func framesNeverTrap() {
        #expect(MediaTime.frame(at: 1e19, rate: 48_000) == Int(MediaTime.maximum) * 48_000)
        #expect(MediaTime.frame(at: .infinity, rate: 44_100) == Int(MediaTime.maximum) * 44_100)
        #expect(MediaTime.frame(at: .nan, rate: 44_100) == 0)
        #expect(MediaTime.frame(at: -1e308, rate: 44_100) == 0)
        #expect(MediaTime.frame(at: -0.0, rate: 44_100) == 0)
        #expect(MediaTime.frame(at: 1.5, rate: 8_000) == 12_000)
        #expect(MediaTime.frame(at: 1, rate: -8_000) == 0)
    }

    @Test func clockPrintsAnyNumber() {
        #expect(TimeFormat.clock(.nan) == "0:00")
        #expect(TimeFormat.clock(.infinity) == "0:00")
        #expect(TimeFormat.clock(-1e308) == "0:00")
        #expect(TimeFormat.clock(-0.0) == "0:00")
        #expect(TimeFormat.clock(75) == "1:15")
        // Int.max seconds, not a trap.
        #expect(TimeFormat.clock(1e300) == "2562047788015215:30:07")
        #expect(TimeFormat.clock(HostileNumberTests.twoTo63) == "2562047788015215:30:07")
        #expect(TimeFormat.clock(1e19) == "2562047788015215:30:07")
    }

    // MARK: the JSON reader

    @Test func hugeNumbersParseOrAreRefused() throws {
        #expect(try JSONParser.parse("1e308") == .number(1e308))
        #expect(try JSONParser.parse("-1e308") == .number(-1e308))
        #expect(try JSONParser.parse("9223372036854775808") == .number(HostileNumberTests.twoTo63))
        #expect(try JSONParser.parse("99999999999999999999").intValue == nil)
        #expect(try JSONParser.parse("-0") == .number(0))
        for text in ["1e309", "-1e309", "1e99999", "123456789e400"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
        }
        // Not JSON at all.
        for text in ["NaN", "Infinity", "-Infinity", "+1", "0x10", ".5", "1.", "01"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func hugeNumbersAreWrittenSoTheyReadBack() throws {
        // Found by Scripts/fuzz-json: 1.7976931348623157e308 was written as "inf".
        for n in [Double.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e300, 1e19, 1.5e15, 9.1e15, 123456789012345678901234567890.0] {
            let text = JSON.number(n).serialized
            #expect(try JSONParser.parse(text) == .number(n), "\(n) → \(text)")
        }
        #expect(JSON.number(Double.nan).serialized == "null")
        #expect(JSON.number(-.infinity).serialized == "null")
        #expect(JSON.number(1234.5678).serialized == "1234.568")
    }

    @Test func intValueRefusesWhatIsNoInteger() throws {
        for text in ["1e19", "1e308", "9223372036854775807", "-9223372036854775809", "0.5", "-1e300"] {
            #expect(try JSONParser.parse(text).intValue == nil, "\(text)")
        }
        #expect(try JSONParser.parse("-0").intValue == 0)
        #expect(try JSONParser.parse("8999999999999999").intValue == 8_999_999_999_999_999)
    }

    @Test func duplicateKeysAreRefused() {
        let cases = [
            #"{"command":"ping","command":"quit"}"#,
            #"{"a":1,"b":{"x":1,"x":2}}"#,
            #"[{"k":1},{"k":1,"k":1}]"#,
            // Past the linear look: the 10th key repeats the 1st.
            #"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k0":9}"#,
            // The same key written two ways is the same key.
            #"{"command":"ping","\u0063ommand":"quit"}"#,
        ]
        for text in cases {
            do {
                _ = try JSONParser.parse(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.reason.contains("appears twice in one object"), "\(error)")
            }
        }
        do {
            _ = try JSONParser.parse(#"{"command":"ping","command":"quit"}"#)
        } catch {
            #expect(error.description == #"invalid JSON at byte 19: the key "command" appears twice in one object"#)
        }
        // Same keys in different objects are fine; so are 100 different keys.
        #expect((try? JSONParser.parse(#"[{"k":1},{"k":2},{"a":{"k":3}}]"#)) != nil)
        let many = "{" + (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect((try? JSONParser.parse(many))?["k99"] == .number(99))
    }

    @Test func aDuplicateKeyIsNamedWithoutEchoingAStrangersText() {
        let long = String(repeating: "\u{1b}]0;x", count: 100)
        let text = "{\"\(long.unicodeScalars.map { $0.value < 0x20 ? String(format: $0.value) : String($0) }.joined())\":1,"
            + "\"\(long.unicodeScalars.map { $0.value < 0x20 ? String(format: $0.value) : String($0) }.joined())\":2}"
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted a duplicate")
        } catch {
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 }, "\(error)")
            #expect(error.description.count < 150, "\(error)")
        }
    }

    @Test func deepNestingIsAnError() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let objects = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(objects) }
    }
}

private extension String {
    /// `\u001b` for a control character.
    init(format value: UInt32) {
        let hex = String(value, radix: 16)
        self = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
