import Foundation
import Glibc

/// The responses: status line, headers, whole, ranged, cut short, paced or raw bodies.
extension HTTPTestServer.Core {
    // MARK: Responses

    enum ByteRange: Equatable {
        case whole
        case part(Int, Int)  // first and last byte, inclusive
        case unsatisfiable
    }

    /// A single "bytes=" range of a body of `size` bytes; `.whole` when absent or not understood.
    static func byteRange(_ value: String?, size: Int) -> ByteRange {
        guard let value = value?.trimmingCharacters(in: .whitespaces),
              value.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = value.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int(last), suffix >= 0 else { return .whole }
            if suffix == 0 || size == 0 { return .unsatisfiable }
            return .part(max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start >= 0 else { return .whole }
        if last.isEmpty {
            return start >= size ? .unsatisfiable : .part(start, size - 1)
        }
        guard let end = Int(last), end >= start else { return .whole }
        return start >= size ? .unsatisfiable : .part(start, min(end, size - 1))
    }

    /// `.bytes` semantics: 200, 206 or 416; `cut`: close after that many body bytes.
    func sendRanged(_ fd: Int32, body: [UInt8], type: String, range: String?, head: Bool,
                            cut: Int? = nil, bytesPerSecond: Int? = nil) {
        let headers = [("Content-Type", type), ("Accept-Ranges", "bytes")]
        switch Self.byteRange(range, size: body.count) {
        case .whole:
            sendResponse(fd, status: 200, headers: headers, body: body, head: head, cut: cut, bytesPerSecond: bytesPerSecond)
        case .part(let first, let last):
            sendResponse(fd, status: 206, headers: headers + [("Content-Range", "bytes \(first)-\(last)/\(body.count)")],
                         body: Array(body[first...last]), head: head, cut: cut, bytesPerSecond: bytesPerSecond)
        case .unsatisfiable:
            sendResponse(fd, status: 416, headers: headers + [("Content-Range", "bytes */\(body.count)")], body: [], head: head)
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 410: "Gone"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }

    /// Sends the status line, `headers`, Content-Length (unless `contentLength` is false) and
    /// `Connection: close`, then the body: whole, only its first `cut` bytes, or paced.
    func sendResponse(_ fd: Int32, status: Int, headers: [(String, String)], body: [UInt8], head: Bool,
                              contentLength: Bool = true, cut: Int? = nil, bytesPerSecond: Int? = nil) {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\nServer: wdfplay-test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if contentLength { text += "Content-Length: \(body.count)\r\n" }
        text += "Connection: close\r\n\r\n"
        guard sendAll(fd, Array(text.utf8)[...]), !head else { return }
        let count = min(body.count, cut ?? body.count)
        if let rate = bytesPerSecond, rate > 0 {
            // About 20 chunks a second.
            let chunk = max(1, rate / 20)
            let pause = useconds_t(min(1_000_000, Double(chunk) / Double(rate) * 1_000_000))
            var offset = 0
            while offset < count, !isStopped {
                let end = min(count, offset + chunk)
                guard sendAll(fd, body[offset..<end]) else { return }
                offset = end
                if offset < count { usleep(pause) }
            }
        } else {
            _ = sendAll(fd, body[0..<count])
        }
    }

    /// `.raw`: the status line and `headers` as given, then `body` over and over up to `total`.
    func sendRaw(_ fd: Int32, status: Int, headers: [(String, String)], body: [UInt8], total: Int?,
                         bytesPerSecond: Double?, head: Bool) {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\nServer: wdfplay-test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Connection: close\r\n\r\n"
        guard sendAll(fd, Array(text.utf8)[...]), !head, !body.isEmpty else { return }
        let count = min(total ?? body.count, HTTPTestServer.maximumRawBytes)
        let chunk = bytesPerSecond.map { max(1, Int($0 / 20)) } ?? 64 * 1024
        let pause = bytesPerSecond.map { useconds_t(min(10_000_000, Double(chunk) / max(0.01, $0) * 1_000_000)) }
        var sent = 0
        var position = 0
        var piece: [UInt8] = []
        piece.reserveCapacity(chunk)
        while sent < count, !isStopped {
            piece.removeAll(keepingCapacity: true)
            while piece.count < min(chunk, count - sent) {
                let n = min(body.count - position, min(chunk, count - sent) - piece.count)
                piece.append(contentsOf: body[position..<(position + n)])
                position = (position + n) % body.count
            }
            guard sendAll(fd, piece[...]) else { return }
            sent += piece.count
            // Paced: sleep in short steps, so that stop() is not kept waiting.
            var slept: useconds_t = 0
            while let pause, slept < pause, sent < count, !isStopped {
                usleep(min(100_000, pause - slept))
                slept += min(100_000, pause - slept)
            }
        }
    }

    func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + (offset - bytes.startIndex), bytes.endIndex - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Ends the response with a FIN, then reads what the client may still send (up to a
    /// moment) so that closing does not reset the connection under data it has not read.
    func lingeringClose(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chunk = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            drained += n
        }
    }
}
