import Testing
import WDFCore

@Suite("Time formats")
struct TimeFormatTests {
    @Test(arguments: [
        ("45", TimeFormat.Parsed.absolute(45)), ("12:00", .absolute(720)), ("1:02:03", .absolute(3723)),
        ("+30", .relative(30)), ("-15", .relative(-15)), ("+1:30", .relative(90)), ("0:12.5", .absolute(12.5)),
        (" 5:00 ", .absolute(300)),
    ])
    func parses(_ text: String, _ expected: TimeFormat.Parsed) {
        #expect(TimeFormat.parse(text) == expected)
    }

    @Test(arguments: ["", "abc", "1:60", "1:2:3:4", "+", "12:", ":30", "1.5:00", "--3", "1e3"])
    func rejects(_ text: String) {
        #expect(TimeFormat.parse(text) == nil)
    }

    @Test func formatsClock() {
        #expect(TimeFormat.clock(0) == "0:00")
        #expect(TimeFormat.clock(754.9) == "12:34")
        #expect(TimeFormat.clock(3723) == "1:02:03")
        #expect(TimeFormat.clock(-3) == "0:00")
        #expect(TimeFormat.clock(.infinity) == "0:00")
    }
}
