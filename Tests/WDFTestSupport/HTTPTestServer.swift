import Foundation
import Glibc

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the feed and download tests:
/// plain Glibc sockets and POSIX threads (one for accepting, one per connection), no Foundation
/// networking. Every response says `Connection: close` and the connection is closed after it.
///
/// Routes are set per path (the request target without the scheme and host; a route set for
/// "/a" also answers "/a?x=1" unless that exact target has its own). Unknown paths get a 404.
/// HEAD gets the headers GET would get. Every request is recorded, in order, with its Range
/// header. Writes use MSG_NOSIGNAL, so a client hanging up cannot kill the test process.
/// The listener and the connections' threads are in HTTPTestServer+Core.swift, the responses in
/// HTTPTestServer+Responses.swift.
package final class HTTPTestServer: @unchecked Sendable {   // all state is in `Core`, behind its lock
    package enum Route: Sendable {
        /// 200 with Content-Length; "Range: bytes=N-", "N-M" and "-S" give 206 + Content-Range;
        /// 416 when N >= size. Several ranges, or a malformed one, are ignored (200, whole body).
        case bytes([UInt8], contentType: String)
        /// Always the whole body with 200, even when a Range is asked for.
        case bytesIgnoringRange([UInt8], contentType: String)
        /// No Content-Length: the body ends when the connection closes.
        case noLength([UInt8], contentType: String)
        /// The first `times` GET requests: the headers of `.bytes` (Range honoured, Content-Length
        /// of the whole remaining body) but the connection is closed after `cut` body bytes.
        /// Later requests are served whole. HEAD requests are answered in full and not counted.
        case dropAfter([UInt8], contentType: String, cut: Int, times: Int)
        /// `status` (301, 302, 303, 307, 308) with this Location (an absolute URL or a path).
        case redirect(to: String, status: Int)
        /// Any status with a text/plain body (404, 500, ...).
        case status(Int, body: String)
        /// As `.bytes`, but the body is sent at about `bytesPerSecond`.
        case slow([UInt8], contentType: String, bytesPerSecond: Int)
        /// A misbehaving server: `status`, exactly these `headers` (no Content-Length unless
        /// among them, whatever it says), then `body` repeated until `total` bytes are sent (once
        /// when nil; at most `maximumRawBytes` in any case), at about `bytesPerSecond` when given,
        /// until the client hangs up. Range requests are ignored.
        case raw(status: Int, headers: [(String, String)], body: [UInt8], total: Int?, bytesPerSecond: Double?)
    }

    /// The most a `.raw` route sends on one connection (so that a client without limits cannot
    /// fill the disk of the machine running the tests): 256 MiB.
    package static let maximumRawBytes = 256 << 20

    package struct StartError: Error, CustomStringConvertible {
        package var description: String
    }

    private let core: Core

    /// Binds 127.0.0.1, port 0, and starts accepting.
    package init() throws {
        core = try Core()
        try core.start()
    }

    deinit { core.stop() }

    package var port: Int { core.port }
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves `route` at `path` (replacing any route there and restarting its `dropAfter` count).
    package func set(_ path: String, _ route: Route) { core.set(path, route) }

    /// Every request seen, in order: the target as requested (path and query) and the Range
    /// header's value, if any.
    package func requests() -> [(path: String, range: String?)] { core.requests() }

    /// Closes the listener, ends the open connections and waits for their threads. Idempotent.
    package func stop() { core.stop() }
}
