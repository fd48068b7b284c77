import Foundation
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

    /// Controls a terminal would obey are escaped as \uXXXX (all C0, DEL, C1, bidi controls and
    /// U+2028/2029), so `--json` cannot carry them raw either; the data parses back the same,
    /// and other text is written byte for byte as before.
    @Test func controlAndBidiCharactersAreEscapedAndParseBack() throws {
        let hostile = "\u{1B}]0;pwned\u{07} \u{1B}]52;c;cHduZWQ=\u{07} \u{9B}2J \u{80}\u{9F} \u{7F} \u{202E}exe.txt "
            + "\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}\u{202A} \u{2028}\u{2029} \u{0}\u{1F}"
        let value: JSON = ["title": .string(hostile), hostile: [.string(hostile)]]
        let text = value.serialized
        #expect(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value)
            && ![0x061C, 0x200E, 0x200F, 0x2028, 0x2029].contains($0.value) && !(0x202A...0x202E).contains($0.value)
            && !(0x2066...0x2069).contains($0.value) }, "\(text)")
        #expect(text.contains(#"\u001b]0;pwned\u0007"#) && text.contains(#"\u009b2J"#) && text.contains(#"\u202eexe"#)
            && text.contains(#"\u007f"#) && text.contains(#"\u2028\u2029"#), "\(text)")
        #expect(try JSONParser.parse(text) == value)
        let ordinary = "Korean War #6: \"Talks\" — café 中文 e\u{301} 😀 \u{A0}\u{2010}\u{2027}\u{202F}\u{2065}\u{206A}\u{FEFF}"
        #expect(JSON.string(ordinary).serialized == "\"" + ordinary.replacingOccurrences(of: "\"", with: "\\\"") + "\"")
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

    /// The byte-wise writer escapes exactly what the character-wise rule says, wherever the
    /// character stands, and its output parses back to the same string.
    @Test func stringsEscapeLikeTheCharacterRule() throws {
        func reference(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || [0x061C, 0x200E, 0x200F, 0x2028, 0x2029].contains(scalar.value)
                    || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value):
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let pool: [String] = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "a", "é", "😀", "/", " ", "\u{7f}",
            "\u{80}", "\u{9b}", "\u{9f}", "\u{a0}", "\u{61c}", "\u{61d}", "\u{200f}", "\u{2027}", "\u{2028}", "\u{202e}", "\u{202f}",
            "\u{2066}", "\u{2069}", "\u{206a}", "中"]
        var rng = SplitMix64(seed: 20_261_129)
        var samples = ["", "plain", "\"", "\\", "\u{0}", "end\u{1f}", "é\"😀"] + pool
        for _ in 0..<3_000 {
            let length = Int(rng.next() % 12)
            samples.append((0..<length).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }.joined())
        }
        for sample in samples {
            let text = JSON.string(sample).serialized
            #expect(text == reference(sample), "\(Array(sample.unicodeScalars))")
            #expect(try JSONParser.parse(text) == .string(sample))
        }
        for value in [0, -1, 1, 10, -10, 9_007_199_254_740_992, -9_007_199_254_740_992] {
            #expect(JSON.number(Double(value)).serialized == String(value))
        }
        #expect(JSON.array([.string("x"), .object([("k", .null)])]).serializedBytes == Array(#"["x",{"k":null}]"#.utf8))
    }
}
