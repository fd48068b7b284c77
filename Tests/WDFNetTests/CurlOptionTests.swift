import CCurl
import Testing
@testable import WDFNet

/// Every curl_easy_setopt is checked: an option libcurl refuses ends the transfer with one
/// sentence naming it (they were ignored, and the transfer ran without the option).
@Suite("WDFNetTests: checked libcurl options")
struct CurlOptionTests {
    @Test func anOptionLibcurlRefusesIsNamed() throws {
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let curl = CurlOptions(handle: handle)
        #expect(throws: Never.self) { try curl.set(CURLOPT_MAXREDIRS, "CURLOPT_MAXREDIRS", 10) }
        do {
            try curl.set(CURLoption(rawValue: 99_999), "CURLOPT_NONSENSE", 1)
            Issue.record("an unknown option was accepted")
        } catch {
            #expect(error.message.hasPrefix("libcurl refused the option CURLOPT_NONSENSE: "))
            #expect(error.isPermanent)
        }
    }

    /// libcurl refuses a string option longer than 8 MB (CURL_MAX_INPUT_LENGTH). Before the
    /// options were checked, the transfer went ahead without a URL and failed as "No URL set".
    @Test func aURLPastLibcurlsLimitIsRefusedByName() {
        let url = "http://127.0.0.1:9/" + String(repeating: "a", count: 9 << 20)
        do {
            _ = try HTTP.fetch(url)
            Issue.record("a 9 MB URL was fetched")
        } catch {
            #expect(error.message.hasPrefix("libcurl refused the option CURLOPT_URL: "), "\(error.message.prefix(200))")
        }
    }
}
