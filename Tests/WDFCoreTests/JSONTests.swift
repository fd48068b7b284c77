import Testing
import WDFCore

@Suite("JSON lines")
struct JSONTests {
    @Test func roundTripKeepsKeyOrderAndValues() throws {
        let value: JSON = ["id": 1, "command": "seek", "position": 12.5, "flags": [true, false, nil], "text": "a\"b\\c\nd\u{1}é"]
        let text = value.serialized
        #expect(text == #"{"id":1,"command":"seek","position":12.5,"flags":[true,false,null],"text":"a\"b\\c\nd\u0001é"}"#)
        #expect(!text.contains("\n"))
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func numbersAreShortAndStable() {
        #expect(JSON.number(3).serialized == "3")
        #expect(JSON.number(-0.5).serialized == "-0.5")
        #expect(JSON.number(12.3456789).serialized == "12.346")
        #expect(JSON.number(.nan).serialized == "null")
    }

    @Test func parsesEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00\/""#) == .string("é😀/"))
        #expect(try JSONParser.parse(" [1, -2.5e2, 0] ") == [1, -250.0, 0])
    }

    @Test(arguments: [
        "", "{", "{\"a\":}", "[1,]", "01", "1.", "\"abc", "\"\\x\"", "\"\\ud800\"", "{\"a\" 1}", "nul", "[1] 2",
        "\"tab\there\"", "1e999",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func accessors() throws {
        let value = try JSONParser.parse(#"{"n":3,"f":2.5,"s":"x","b":true,"z":null}"#)
        #expect(value["n"]?.intValue == 3)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["z"]?.isNull == true)
        #expect(value["missing"] == nil)
    }

    /// Modification times in microseconds (about 1.8e15) are kept in the library index: every
    /// whole number a Double holds exactly must come back as the same Int.
    @Test func largeWholeNumbersRoundTripExactly() throws {
        var rng = SplitMix64(seed: 1_795_949_964)
        var samples: [Int] = [1_795_949_964_412_912, 8_999_999_999_999_999, -1_795_949_964_412_913, 999_999_999_999_999]
        for _ in 0..<2_000 { samples.append(Int(rng.next() % 9_000_000_000_000_000)) }
        for value in samples {
            let text = JSON.number(Double(value)).serialized
            #expect(!text.contains(".") && !text.contains("e"), "\(value) → \(text)")
            #expect(try JSONParser.parse(text).intValue == value, "\(value) → \(text)")
        }
    }
}
