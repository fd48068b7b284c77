@testable import WDFMPRIS
import XCTest

/// A notification's body may be read as markup by the notification server: a stranger's
/// title must not bring its own.
final class NotificationTextTests: XCTestCase {
    func testBodyMarkupIsEscaped() {
        XCTAssertEqual(MPRISService.markupEscaped("Chapter 3/6 — <b>Q&A</b> <a href=\"x\">"),
                       "Chapter 3/6 — &lt;b&gt;Q&amp;A&lt;/b&gt; &lt;a href=\"x\"&gt;")
        XCTAssertEqual(MPRISService.markupEscaped("plain"), "plain")
        XCTAssertEqual(MPRISService.markupEscaped(""), "")
    }
}
