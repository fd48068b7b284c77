import Testing
import WDFClient
import WDFCore
import WDFProtocol

@Suite("Episode list as text")
struct CatalogViewTests {
    func item(_ number: Int?, _ title: String, duration: Double? = 1980, date: String? = "2018-01-31",
              progress: JSON = ["state": "new"], downloaded: Bool = true, estimated: Bool = false) -> JSON {
        var pairs: [(String, JSON)] = [("number", JSON(number)), ("title", .string(title)), ("series", "Korean War"),
                                       ("date", JSON(date)), ("duration", JSON(duration)), ("downloaded", .bool(downloaded)), ("in_feed", .bool(!downloaded)),
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
        // Piped: no padding, tab-separated fields, whole titles.
        let list = try EpisodeList(json: reply)
        let piped = CatalogView.episodes(list, width: nil).split(separator: "\n").map(String.init)
        #expect(piped[0] == "Korean War — 3 episodes (1 played, 1 in progress, 1 not downloaded)")
        #expect(piped[1] == "5\tSino-Soviet Talks Part 1\t33:00\t2018-01-31\tplayed", "\(piped[1])")
        #expect(piped[2].hasSuffix("Panmunjom\t33:00\t2018-01-31\t12:34 of 33:00"), "\(piped[2])")
        #expect(piped[3] == "7\tInchon\t~40:00\t\tnew · not downloaded", "\(piped[3])")
        // On a wide terminal the title column is as wide as the longest title, so the columns
        // after it line up, whatever the progress text.
        let wide = CatalogView.episodes(list, width: 200).split(separator: "\n").map(String.init)
        let longest = "Sino-Soviet Talks Part 2 — Stalin, Mao and the Road to Panmunjom".count
        let lengths = wide[1...].map { String(Array($0)[(6 + longest)..<(6 + longest + 10)]) }
        #expect(lengths == ["     33:00", "     33:00", "    ~40:00"], "\(wide)")

        let narrow = CatalogView.episodes(list, width: 72).split(separator: "\n").map(String.init)
        #expect(narrow[2].contains("…"), "\(narrow[2])")
        #expect(narrow.dropFirst().allSatisfy { DisplayWidth.of($0) <= 72 }, "\(narrow)")
        #expect(narrow[1].contains("Sino-Soviet Talks"), "\(narrow[1])")
    }

    @Test func emptyLists() throws {
        #expect(CatalogView.episodes(try EpisodeList(json: ["series": "Korean War", "episodes": []]), width: nil) == "Korean War has no episodes.")
        #expect(CatalogView.episodes(try EpisodeList(json: ["episodes": []]), width: nil) == "The library has no episodes.")
    }
}

@Suite("Episode list in display columns")
struct CatalogViewWidthTests {
    @Test func wideCharactersTakeTwoColumns() throws {
        let reply: JSON = ["series": "Korean War", "episodes": [
            ["number": 1, "title": "三八線の向こう側、朝鮮戦争の始まりと終わりについての長い話", "series": "Korean War", "duration": 60,
             "downloaded": true, "in_feed": false, "progress": ["state": "played"]],
            ["number": 2, "title": "🎧 Interview 😀 with veterans about the Café de Flore and more", "series": "Korean War", "duration": 60,
             "downloaded": true, "in_feed": false, "progress": ["state": "partial", "position": 30]],
            ["number": 3, "title": "Short", "series": "Korean War", "duration": 60, "downloaded": true, "in_feed": false,
             "progress": ["state": "new"]],
        ]]
        let rows = CatalogView.episodes(try EpisodeList(json: reply), width: 80).split(separator: "\n").dropFirst().map(String.init)
        #expect(rows.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(rows.map { DisplayWidth.of($0) })")
        // Each row's length column ends at the same column.
        let ends = rows.map { row in DisplayWidth.of(String(row[..<row.firstRange(of: "1:00")!.upperBound])) }
        #expect(Set(ends).count == 1, "\(ends)")
    }
}

@Suite("Episode page in display columns")
struct CatalogViewInfoTests {
    @Test func showNotesWrapByColumns() throws {
        let notes = String(repeating: "朝鮮戦争 の 始まり 🎧 と 終わり ", count: 12)
        let page = CatalogView.info(try EpisodePage(json: ["title": "Korean War #1", "notes": .string(notes), "downloaded": false, "in_feed": false,
                                                          "progress": ["state": "new"]]), width: 40)
        let lines = page.split(separator: "\n").drop { !$0.contains("朝鮮") }
        #expect(lines.count > 3, "\(page)")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 40 }, "\(lines.map { DisplayWidth.of($0) })")
        #expect(lines.dropLast().allSatisfy { DisplayWidth.of($0) >= 30 }, "\(lines.map { DisplayWidth.of($0) })")
    }
}
