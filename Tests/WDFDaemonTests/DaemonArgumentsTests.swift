import Testing
import WDFDaemon

@Suite("wdfplayd arguments")
struct DaemonArgumentsTests {
    @Test func parsesEveryFlag() throws {
        let a = try DaemonArguments(["--socket", "/tmp/s", "--config=/c.toml", "-v", "--ready-fd", "5"])
        #expect(a.socket == "/tmp/s")
        #expect(a.config == "/c.toml")
        #expect(a.verbose)
        #expect(a.readyFD == 5)
        #expect(try DaemonArguments([]) == DaemonArguments())
        #expect(try DaemonArguments(["--help"]).help)
    }

    @Test(arguments: [["--socket"], ["--bogus"], ["--ready-fd", "x"], ["--ready-fd", "1"], ["--config", "--verbose"]])
    func rejectsWithOneSentence(_ arguments: [String]) {
        do {
            _ = try DaemonArguments(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.message.hasPrefix("wdfplayd: "))
        }
    }
}
