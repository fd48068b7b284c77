import Foundation
import Glibc
import Testing
import WDFTestSupport

/// The loopback HTTP server the feed tests rely on, checked with a raw-socket client (and curl,
/// when it is installed) so that a feed test failure is never the harness's fault.
@Suite("HTTPTestServer")
struct HTTPTestServerTests {
    /// A response as it arrived on the wire: everything up to the server's EOF.
    struct RawResponse {
        var status: Int
        /// Names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
        var headerText: String
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
    }

    static let body: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }

    /// A connected socket to the server (5 s receive timeout).
    static func connect(_ server: HTTPTestServer) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(server.port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw ClientError(description: "connect: \(String(cString: strerror(code)))")
        }
        return fd
    }

    static func sendAll(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError(description: "send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads until the server closes; throws on a timeout.
    static func readToEnd(_ fd: Int32) throws -> [UInt8] {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw ClientError(description: "recv: \(String(cString: strerror(errno))) after \(all.count) bytes") }
            if n == 0 { return all }
            all.append(contentsOf: chunk[0..<n])
        }
    }

    static func parse(_ raw: [UInt8]) throws -> RawResponse {
        guard let end = (0..<max(0, raw.count - 3)).first(where: { raw[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) else {
            throw ClientError(description: "no end of headers in \(raw.count) bytes")
        }
        let text = String(decoding: raw[..<end], as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw ClientError(description: "bad status line \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError(description: "bad header line \(line)") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawResponse(status: status, headers: headers, body: Array(raw[(end + 4)...]), headerText: text)
    }

    /// Sends `request` verbatim and reads the whole response.
    static func exchange(_ server: HTTPTestServer, _ request: String) throws -> RawResponse {
        let fd = try connect(server)
        defer { close(fd) }
        try sendAll(fd, request)
        return try parse(try readToEnd(fd))
    }

    static func get(_ server: HTTPTestServer, _ path: String, method: String = "GET", headers: [String] = []) throws -> RawResponse {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nUser-Agent: raw-test\r\n"
        for header in headers { request += header + "\r\n" }
        return try exchange(server, request + "\r\n")
    }

    // MARK: Tests

    @Test func wholeBody() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        #expect(server.port > 0)
        server.set("/episode.mp3", .bytes(Self.body, contentType: "audio/mpeg"))
        let r = try Self.get(server, "/episode.mp3")
        #expect(r.status == 200)
        #expect(r.headers["content-length"] == "1000")
        #expect(r.headers["content-type"] == "audio/mpeg")
        #expect(r.headers["connection"] == "close")
        #expect(r.headers["accept-ranges"] == "bytes")
        #expect(r.headers["content-range"] == nil)
        #expect(r.body == Self.body)
    }

    @Test func ranges() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/f", .bytes(Self.body, contentType: "audio/mpeg"))

        let open = try Self.get(server, "/f", headers: ["Range: bytes=100-"])
        #expect(open.status == 206)
        #expect(open.headers["content-range"] == "bytes 100-999/1000")
        #expect(open.headers["content-length"] == "900")
        #expect(open.body == Array(Self.body[100...]))

        let closed = try Self.get(server, "/f", headers: ["range: bytes=10-19"])
        #expect(closed.status == 206)
        #expect(closed.headers["content-range"] == "bytes 10-19/1000")
        #expect(closed.body == Array(Self.body[10...19]))

        let clamped = try Self.get(server, "/f", headers: ["Range: bytes=990-5000"])
        #expect(clamped.status == 206)
        #expect(clamped.headers["content-range"] == "bytes 990-999/1000")
        #expect(clamped.body == Array(Self.body[990...]))

        let suffix = try Self.get(server, "/f", headers: ["Range: bytes=-50"])
        #expect(suffix.status == 206)
        #expect(suffix.body == Array(Self.body[950...]))

        let last = try Self.get(server, "/f", headers: ["Range: bytes=999-"])
        #expect(last.status == 206)
        #expect(last.body == [Self.body[999]])

        for beyond in ["bytes=1000-", "bytes=5000-", "bytes=1000-1200"] {
            let r = try Self.get(server, "/f", headers: ["Range: \(beyond)"])
            #expect(r.status == 416, "\(beyond)")
            #expect(r.headers["content-range"] == "bytes */1000")
            #expect(r.body.isEmpty)
        }
        // Not understood (or several ranges): ignored, the whole body.
        for odd in ["bytes=abc-", "bytes=20-10", "items=0-5", "bytes=0-1,5-6"] {
            let r = try Self.get(server, "/f", headers: ["Range: \(odd)"])
            #expect(r.status == 200, "\(odd)")
            #expect(r.body == Self.body)
        }
    }

    @Test func ignoringRange() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/f", .bytesIgnoringRange(Self.body, contentType: "audio/mpeg"))
        let r = try Self.get(server, "/f", headers: ["Range: bytes=100-"])
        #expect(r.status == 200)
        #expect(r.headers["content-range"] == nil)
        #expect(r.headers["content-length"] == "1000")
        #expect(r.body == Self.body)
    }

    @Test func noLength() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/feed.xml", .noLength(Self.body, contentType: "application/rss+xml"))
        let r = try Self.get(server, "/feed.xml")
        #expect(r.status == 200)
        #expect(r.headers["content-length"] == nil)
        #expect(r.headers["content-type"] == "application/rss+xml")
        #expect(r.body == Self.body)
    }

    /// The first two GETs end after 300 body bytes although the headers promise more; the
    /// third is whole. HEAD is answered in full and does not count.
    @Test func dropAfterClosesThenServesWhole() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/big", .dropAfter(Self.body, contentType: "audio/mpeg", cut: 300, times: 2))

        let head = try Self.get(server, "/big", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == "1000")
        #expect(head.body.isEmpty)

        let first = try Self.get(server, "/big")
        #expect(first.status == 200)
        #expect(first.headers["content-length"] == "1000")
        #expect(first.body == Array(Self.body[..<300]))

        // Resuming where it broke off: Range honoured, cut again after 300 bytes.
        let second = try Self.get(server, "/big", headers: ["Range: bytes=300-"])
        #expect(second.status == 206)
        #expect(second.headers["content-length"] == "700")
        #expect(second.headers["content-range"] == "bytes 300-999/1000")
        #expect(second.body == Array(Self.body[300..<600]))

        let third = try Self.get(server, "/big", headers: ["Range: bytes=600-"])
        #expect(third.status == 206)
        #expect(third.body == Array(Self.body[600...]))

        let fourth = try Self.get(server, "/big")
        #expect(fourth.status == 200)
        #expect(fourth.body == Self.body)

        // Setting the route again restarts the count.
        server.set("/big", .dropAfter(Self.body, contentType: "audio/mpeg", cut: 0, times: 1))
        let again = try Self.get(server, "/big")
        #expect(again.headers["content-length"] == "1000")
        #expect(again.body.isEmpty)
        #expect(try Self.get(server, "/big").body == Self.body)
    }

    @Test func redirects() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/old", .redirect(to: "/new", status: 301))
        server.set("/elsewhere", .redirect(to: "http://127.0.0.1:1/x.mp3", status: 302))
        server.set("/new", .bytes(Self.body, contentType: "audio/mpeg"))
        let moved = try Self.get(server, "/old")
        #expect(moved.status == 301)
        #expect(moved.headers["location"] == "/new")
        let found = try Self.get(server, "/elsewhere")
        #expect(found.status == 302)
        #expect(found.headers["location"] == "http://127.0.0.1:1/x.mp3")
        #expect(try Self.get(server, "/new").body == Self.body)
    }

    @Test func statusesAndUnknownPaths() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/broken", .status(500, body: "boom"))
        let broken = try Self.get(server, "/broken")
        #expect(broken.status == 500)
        #expect(broken.headerText.hasPrefix("HTTP/1.1 500 Internal Server Error"))
        #expect(broken.body == Array("boom".utf8))
        #expect(broken.headers["content-length"] == "4")

        let missing = try Self.get(server, "/nothing-here")
        #expect(missing.status == 404)
        #expect(missing.headers["connection"] == "close")
        let missingHead = try Self.get(server, "/nothing-here", method: "HEAD")
        #expect(missingHead.status == 404)
        #expect(missingHead.body.isEmpty)
    }

    @Test func requestLog() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/a", .bytes(Self.body, contentType: "audio/mpeg"))
        _ = try Self.get(server, "/a")
        _ = try Self.get(server, "/a?token=1", headers: ["Range: bytes=5-"])  // the route of /a
        _ = try Self.get(server, "http://127.0.0.1:\(server.port)/b")       // absolute form
        let log = server.requests()
        #expect(log.map(\.path) == ["/a", "/a?token=1", "/b"])
        #expect(log.map(\.range) == [nil, "bytes=5-", nil])
        #expect(try Self.get(server, "/a?token=2").body == Self.body)
    }

    /// Odd requests and clients that go away: the server answers what it can and keeps serving.
    @Test func robustness() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/f", .bytes(Self.body, contentType: "audio/mpeg"))
        let big = [UInt8](repeating: 0x42, count: 8 << 20)
        server.set("/huge", .bytes(big, contentType: "audio/mpeg"))

        #expect(try Self.exchange(server, "garbage\r\n\r\n").status == 400)
        #expect(try Self.exchange(server, "GET /f HTTP/1.1\r\nNoColonHere\r\n\r\n").status == 400)
        // Bare LF line ends, lower-case method, folded header.
        let lf = try Self.exchange(server, "get /f HTTP/1.0\nHost: x\nX-Long: a\n b\nRange: bytes=0-0\n\n")
        #expect(lf.status == 206)
        #expect(lf.body == [Self.body[0]])

        // Connect and leave at once; send half a request and leave.
        close(try Self.connect(server))
        let half = try Self.connect(server)
        try Self.sendAll(half, "GET /f HTT")
        close(half)
        // Read only the start of an 8 MB body, then hang up: the server's send fails (EPIPE /
        // ECONNRESET) without a SIGPIPE.
        for _ in 0..<3 {
            let fd = try Self.connect(server)
            try Self.sendAll(fd, "GET /huge HTTP/1.1\r\nHost: x\r\n\r\n")
            var chunk = [UInt8](repeating: 0, count: 1024)
            _ = recv(fd, &chunk, chunk.count, 0)
            close(fd)
        }
        #expect(try Self.get(server, "/f").body == Self.body)
        let whole = try Self.get(server, "/huge")
        #expect(whole.body.count == big.count)
    }

    @Test func slowBody() throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/slow", .slow(Self.body, contentType: "audio/mpeg", bytesPerSecond: 2000))
        let start = Date()
        let r = try Self.get(server, "/slow")
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 200)
        #expect(r.headers["content-length"] == "1000")
        #expect(r.body == Self.body)
        #expect(elapsed > 0.35 && elapsed < 5, "\(elapsed) s for 1000 bytes at 2000 B/s")
        let ranged = try Self.get(server, "/slow", headers: ["Range: bytes=900-"])
        #expect(ranged.status == 206)
        #expect(ranged.body == Array(Self.body[900...]))
    }

    /// Many clients at once.
    @Test func concurrentClients() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/f", .bytes(Self.body, contentType: "audio/mpeg"))
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask { try Self.get(server, "/f", headers: ["Range: bytes=\(i)-"]).body == Array(Self.body[i...]) }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(ok)
        #expect(server.requests().count == 16)
    }

    /// stop() ends an open connection, refuses new ones and can be called again; deinit stops.
    @Test func stopIsIdempotent() throws {
        let server = try HTTPTestServer()
        server.set("/slow", .slow(Self.body, contentType: "audio/mpeg", bytesPerSecond: 100))
        let fd = try Self.connect(server)
        defer { close(fd) }
        try Self.sendAll(fd, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        // Wait until it is being served (stopping before the accept would reset it instead).
        let deadline = Date().addingTimeInterval(5)
        while server.requests().isEmpty, Date() < deadline { usleep(10_000) }
        #expect(server.requests().count == 1)
        let start = Date()
        server.stop()
        #expect(Date().timeIntervalSince(start) < 3)
        server.stop()
        let received = try Self.readToEnd(fd)  // ends: the server shut the connection down
        #expect(received.count < 600)
        #expect(throws: ClientError.self) { try Self.connect(server) }

        // Dropping the last reference stops it too.
        var transient: HTTPTestServer? = try HTTPTestServer()
        let transientPort = transient!.port
        transient = nil
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(transientPort).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(rc != 0)
    }

    /// The same server through curl, a real HTTP client (skipped when curl is not installed).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed"))
    func curlAgrees() async throws {
        let server = try HTTPTestServer()
        defer { server.stop() }
        server.set("/f", .bytes(Self.body, contentType: "audio/mpeg"))
        server.set("/r", .redirect(to: "/f", status: 302))
        server.set("/drop", .dropAfter(Self.body, contentType: "audio/mpeg", cut: 400, times: 1))
        let scratch = URL(fileURLWithPath: TemporaryDirectory.make("http"))
        defer { TemporaryDirectory.remove(scratch.path) }
        let out = scratch.appendingPathComponent("body").path
        let curl = URL(fileURLWithPath: "/usr/bin/curl")
        let env = ["PATH": "/usr/bin:/bin"]

        func fetch(_ args: [String]) async throws -> (code: String, status: Int32, body: [UInt8]) {
            try? FileManager.default.removeItem(atPath: out)
            let r = try await ChildProcess.run(curl, ["-s", "--noproxy", "*", "-o", out, "-w", "%{http_code}"] + args,
                                               environment: env, scratch: scratch, timeout: 20)
            let body = (try? Data(contentsOf: URL(fileURLWithPath: out))).map { [UInt8]($0) } ?? []
            return (r.stdout, r.status, body)
        }

        let whole = try await fetch([server.baseURL + "/f"])
        #expect(whole.code == "200" && whole.status == 0)
        #expect(whole.body == Self.body)
        let ranged = try await fetch(["-r", "250-", server.baseURL + "/f"])
        #expect(ranged.code == "206")
        #expect(ranged.body == Array(Self.body[250...]))
        let redirected = try await fetch(["-L", server.baseURL + "/r"])
        #expect(redirected.code == "200")
        #expect(redirected.body == Self.body)
        // curl sees the short body (exit 18: partial file), then resumes it with -C -.
        let broken = try await fetch([server.baseURL + "/drop"])
        #expect(broken.status == 18)
        #expect(broken.body == Array(Self.body[..<400]))
        let r = try await ChildProcess.run(curl, ["-s", "--noproxy", "*", "-C", "-", "-o", out, server.baseURL + "/drop"],
                                           environment: env, scratch: scratch, timeout: 20)
        #expect(r.status == 0)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: out))).map { [UInt8]($0) } == Self.body)
        #expect(server.requests().last?.range == "bytes=400-")
    }
}
