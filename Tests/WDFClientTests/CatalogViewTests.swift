import Testing
import WDFClient
import WDFCore

@Suite("Episode list as text")
struct CatalogViewTests {
    func item(_ number: Int?, _ title: String, duration: Double? = 1980, date: String? = "2018-01-31",
              progress: JSON = ["state": "new"], downloaded: Bool = true, estimated: Bool = false) -> JSON {
        var pairs: [(String, JSON)] = [("number", JSON(number)), ("title", .string(title)), ("series", "Korean War"),
                                       ("date", JSON(date)), ("duration", JSON(duration)), ("downloaded", .bool(downloaded)),
                                       ("progress", progress)]
        if estimated { pairs.append(("duration_estimated", true)) }
        return .object(pairs)
    }

    @Test func columnsLineUpAndLongTitlesAreCut() throws {
        let reply: JSON = [
            "series": "Korean War",
            "episodes": [
                item(5, "Korean War #5: Sino-Soviet Talks Part 1", progress: ["state": "played"]),
                item(6, "Korean War #6: Sino-Soviet Talks Part 2 — Stalin, Mao and the Road to Panmunjom",
                     progress: ["state": "partial", "position": 754]),
                item(7, "Korean War #7: Inchon", duration: 2400, date: nil, downloaded: false, estimated: true),
            ],
        ]
        let wide = CatalogView.episodes(reply, width: nil).split(separator: "\n").map(String.init)
        #expect(wide[0] == "Korean War — 3 episodes (1 played, 1 in progress, 1 not downloaded)")
        #expect(wide[1].hasPrefix("   5  Sino-Soviet Talks Part 1  "), "\(wide[1])")
        #expect(wide[1].hasSuffix("33:00  2018-01-31  played"), "\(wide[1])")
        #expect(wide[2].hasSuffix("12:34 of 33:00"), "\(wide[2])")
        #expect(wide[3].hasSuffix("~40:00" + String(repeating: " ", count: 14) + "new · not downloaded"), "\(wide[3])")
        // The title column is as wide as the longest title, so the columns after it line up.
        let longest = "Sino-Soviet Talks Part 2 — Stalin, Mao and the Road to Panmunjom".count
        let lengths = wide[1...].map { String(Array($0)[(6 + longest)..<(6 + longest + 10)]) }
        #expect(lengths == ["     33:00", "     33:00", "    ~40:00"], "\(wide)")

        let narrow = CatalogView.episodes(reply, width: 72).split(separator: "\n").map(String.init)
        #expect(narrow[2].contains("…"), "\(narrow[2])")
        #expect(narrow[2].count <= 72, "\(narrow[2].count): \(narrow[2])")
        #expect(narrow[1].contains("Sino-Soviet Talks Part 1"), "\(narrow[1])")
    }

    @Test func emptyLists() {
        #expect(CatalogView.episodes(["series": "Korean War", "episodes": []], width: nil) == "Korean War has no episodes.")
        #expect(CatalogView.episodes(["episodes": []], width: nil) == "The library has no episodes.")
    }
}
