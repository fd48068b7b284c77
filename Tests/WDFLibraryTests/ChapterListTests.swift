import Testing
import WDFCore
import WDFLibrary

@Suite("Chapter navigation")
struct ChapterListTests {
    let list = ChapterList([
        Chapter(title: "One", start: 0), Chapter(title: "Two", start: 30), Chapter(title: "Three", start: 60, end: 80),
    ], duration: 100)

    @Test func spansEndAtTheNextStartOrTheEnd() {
        #expect(list.spans.map(\.end) == [30, 60, 80])
        #expect(list.count == 3)
    }

    @Test func currentChapter() {
        #expect(list.current(at: 0)?.number == 1)
        #expect(list.current(at: 29.9)?.number == 1)
        #expect(list.current(at: 30)?.number == 2)
        #expect(list.current(at: 85) == nil)  // after an explicit end
    }

    @Test func nextAndChapterN() {
        #expect(list.next(after: 10)?.number == 2)
        #expect(list.next(after: 65) == nil)
        #expect(list.span(number: 3)?.start == 60)
        #expect(list.span(number: 0) == nil)
        #expect(list.span(number: 4) == nil)
    }

    @Test func previousFollowsTheFiveSecondRule() {
        #expect(list.previous(from: 33)?.number == 1)   // within 5 s of chapter 2: the one before
        #expect(list.previous(from: 40)?.number == 2)   // later: the start of the current one
        #expect(list.previous(from: 2)?.number == 1)    // first chapter: its own start
    }

    @Test func dropsChaptersPastTheEndAndFixesBackwardsEnds() {
        let odd = ChapterList([
            Chapter(title: "A", start: 0, end: 0), Chapter(title: "B", start: 10), Chapter(title: "Late", start: 500),
        ], duration: 50)
        #expect(odd.spans.map(\.title) == ["A", "B"])
        #expect(odd.spans.map(\.end) == [10, 50])
    }

    @Test func unknownDurationLeavesTheLastOpen() {
        let open = ChapterList([Chapter(title: "A", start: 0), Chapter(title: "B", start: 10)], duration: nil)
        #expect(open.spans.last?.end == .infinity)
        #expect(open.current(at: 1_000)?.number == 2)
    }
}
