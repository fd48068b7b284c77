import Testing
import WDFCore

/// The rewind that grows with the time away (issue #14; AntennaPod's 3 s / 10 s / 20 s).
@Suite("Resume rewind")
struct ResumeRewindTests {
    @Test func antennaPodStepsWithTheDefaultBase() {
        #expect(ResumeRewind.seconds(away: 5, base: 3) == 3)
        #expect(ResumeRewind.seconds(away: 61, base: 3) == 3)
        #expect(ResumeRewind.seconds(away: 3599, base: 3) == 3)
        #expect(ResumeRewind.seconds(away: 3600, base: 3) == 10)
        #expect(ResumeRewind.seconds(away: 86_399, base: 3) == 10)
        #expect(ResumeRewind.seconds(away: 86_400, base: 3) == 20)
        #expect(ResumeRewind.seconds(away: 30 * 86_400, base: 3) == 20)
    }

    @Test func theBaseScalesEveryStep() {
        #expect(ResumeRewind.seconds(away: 10, base: 6) == 6)
        #expect(ResumeRewind.seconds(away: 2 * 3600, base: 6) == 20)
        #expect(ResumeRewind.seconds(away: 2 * 86_400, base: 6) == 40)
        #expect(ResumeRewind.seconds(away: 2 * 86_400, base: 0) == 0)
    }

    @Test func hostileNumbersGiveTheBaseOrNothing() {
        for away in [-1.0, .nan, .infinity, -.infinity] {
            #expect(ResumeRewind.seconds(away: away, base: 3) == 3, "away \(away)")
        }
        for base in [-3.0, .nan, .infinity] {
            #expect(ResumeRewind.seconds(away: 7200, base: base) == 0, "base \(base)")
        }
    }

    @Test func neverBeforeTheStart() {
        #expect(ResumeRewind.position(resuming: 100, away: 2 * 86_400, base: 3) == 80)
        #expect(ResumeRewind.position(resuming: 12, away: 2 * 86_400, base: 3) == 0)
        #expect(ResumeRewind.position(resuming: .nan, away: 10, base: 3) == 0)
        #expect(ResumeRewind.position(resuming: 50, away: 10, base: 3) == 47)
    }
}
