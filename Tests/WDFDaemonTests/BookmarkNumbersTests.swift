import Testing
@testable import WDFDaemon

/// The `no_such_bookmark` refusal names the numbers there are.
@Suite("no_such_bookmark names the bookmarks there are")
struct BookmarkNumbersTests {
    @Test func runsAreShortened() {
        #expect(BookmarkNumbers.phrase([1]) == "only bookmark 1")
        #expect(BookmarkNumbers.phrase([1, 2]) == "bookmarks 1 and 2")
        #expect(BookmarkNumbers.phrase([1, 2, 3, 4]) == "bookmarks 1 to 4")
        #expect(BookmarkNumbers.phrase([1, 3]) == "bookmarks 1 and 3")
        #expect(BookmarkNumbers.phrase([1, 2, 3, 5, 7, 8, 9]) == "bookmarks 1 to 3, 5 and 7 to 9")
        #expect(BookmarkNumbers.phrase([1, 2, 4, 5]) == "bookmarks 1, 2, 4 and 5")
    }
}
