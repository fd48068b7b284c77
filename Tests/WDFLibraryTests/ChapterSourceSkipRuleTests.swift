import Testing
import WDFCore
import WDFLibrary

@Suite("Chapter sources: skip rules")
struct ChapterSourceSkipRuleTests {
    let rules = SkipRules(patterns: ["Sponsor*", "Advert*", "Intro", "Part ?", "[ab]reak", "Ad [0-9]", "[!x]yz", "Q\\?"])

    @Test(arguments: [
        ("Sponsor", true), ("sponsor: Sudio headphones", true), ("SPONSORED BY", true), ("Our sponsor", false),
        ("Advertisement", true), ("Intro", true), ("  intro  ", true), ("Introduction", false), ("The intro", false),
        ("Part 1", true), ("Part 12", false), ("Part ", false), ("break", true), ("Break", true), ("creak", false),
        ("ad 7", true), ("Ad x", false), ("ayz", true), ("xyz", false), ("Q?", true), ("Qa", false), ("", false),
    ])
    func globs(title: String, skipped: Bool) {
        #expect(rules.matches(title) == skipped, "\(title)")
    }

    @Test func tellsWhichPatternMatched() {
        #expect(rules.matchingPattern("Sponsor break") == "Sponsor*")
        #expect(rules.matchingPattern("Chapter 1") == nil)
    }

    @Test func starsAndEdges() {
        #expect(SkipRules(patterns: ["*"]).matches("anything"))
        #expect(SkipRules(patterns: ["*"]).matches(""))
        #expect(SkipRules(patterns: ["*ad*"]).matches("Mid-roll AD break"))
        #expect(SkipRules(patterns: ["a*b*c"]).matches("aXXbYYc"))
        #expect(!SkipRules(patterns: ["a*b*c"]).matches("aXXbYY"))
        #expect(SkipRules(patterns: ["[unclosed"]).matches("[UNCLOSED"))
        #expect(SkipRules(patterns: ["[]]x"]).matches("]x"))
        #expect(SkipRules(patterns: ["Ümläut*"]).matches("ümläut chapter"))
        #expect(!SkipRules(patterns: []).matches("Sponsor"))
        #expect(SkipRules(patterns: []).isEmpty)
    }

    @Test func pathologicalPatternsStayFast() {
        // Exponential for a naive backtracking matcher; quadratic here.
        let rules = SkipRules(patterns: [String(repeating: "*a", count: 200) + "b"])
        #expect(!rules.matches(String(repeating: "a", count: 2_000)))
    }
}
