import Foundation
import Glibc

extension HTTPTestServer {

    /// The listener and its threads. The threads hold this, not the `HTTPTestServer`, so that
    /// dropping the last reference to the server runs its deinit (which stops everything).
    final class Core: @unchecked Sendable {  // @unchecked: mutable state behind `condition`
        let port: Int
        private let listener: Int32
        /// Written to by `stop()` to wake the accept thread out of poll().
        private let wakeRead: Int32
        private let wakeWrite: Int32

        private let condition = NSCondition()
        private var routes: [String: Route] = [:]
        private var dropCounts: [String: Int] = [:]
        private var seen: [(path: String, range: String?)] = []
        /// Open connection sockets: `stop()` shuts them down; each is closed (and removed)
        /// under the lock by its own thread, so a descriptor is never used after reuse.
        private var connections: Set<Int32> = []
        private var activeThreads = 0
        private var stopped = false
        private var stopFinished = false
        private var acceptThread: pthread_t?

        /// Headers longer than this are refused (400).
        static let maximumHeaderBytes = 64 * 1024
        /// A client that sends nothing for this long is dropped.
        static let socketTimeout = 10

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw StartError(description: "socket: \(String(cString: strerror(errno)))") }
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 64) == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw StartError(description: "bind/listen on 127.0.0.1: \(reason)")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else {
                close(fd)
                throw StartError(description: "getsockname: \(String(cString: strerror(errno)))")
            }
            var pipeFDs: [Int32] = [-1, -1]
            guard pipe(&pipeFDs) == 0 else {
                close(fd)
                throw StartError(description: "pipe: \(String(cString: strerror(errno)))")
            }
            for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            listener = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            wakeRead = pipeFDs[0]
            wakeWrite = pipeFDs[1]
        }

        func start() throws {
            do {
                let thread = try Self.spawn { [self] in acceptLoop() }
                condition.lock()
                acceptThread = thread
                condition.unlock()
            } catch {
                close(listener)
                close(wakeRead)
                close(wakeWrite)
                condition.lock()
                stopped = true
                stopFinished = true
                condition.unlock()
                throw error
            }
        }

        func set(_ path: String, _ route: Route) {
            condition.lock()
            routes[path] = route
            dropCounts[path] = nil
            condition.unlock()
        }

        func requests() -> [(path: String, range: String?)] {
            condition.lock()
            defer { condition.unlock() }
            return seen
        }

        var isStopped: Bool {
            condition.lock()
            defer { condition.unlock() }
            return stopped
        }

        func stop() {
            condition.lock()
            if stopped {
                // Another stop() is (or was) at work: wait for it to finish.
                while !stopFinished { condition.wait() }
                condition.unlock()
                return
            }
            stopped = true
            for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
            let thread = acceptThread
            condition.unlock()

            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
            if let thread { pthread_join(thread, nil) }
            close(listener)
            close(wakeRead)
            close(wakeWrite)

            condition.lock()
            // Connections accepted before `stopped` was seen were shut down above or see it
            // themselves; each thread ends within a socket timeout at worst.
            let deadline = Date().addingTimeInterval(Double(Self.socketTimeout) + 5)
            while activeThreads > 0, condition.wait(until: deadline) {}
            stopFinished = true
            condition.broadcast()
            condition.unlock()
        }

        // MARK: Threads

        private final class ThreadBody: @unchecked Sendable {  // handed to exactly one new thread
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }

        /// Starts a joinable POSIX thread.
        private static func spawn(_ body: @escaping @Sendable () -> Void) throws -> pthread_t {
            let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { argument in
                Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, box)
            guard rc == 0 else {
                Unmanaged<ThreadBody>.fromOpaque(box).release()
                throw StartError(description: "pthread_create: \(String(cString: strerror(rc)))")
            }
            return thread
        }

        private func acceptLoop() {
            while true {
                var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
                let ready = poll(&fds, 2, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if fds[1].revents != 0 || isStopped { return }
                guard fds[0].revents & Int16(POLLIN) != 0 else {
                    if fds[0].revents != 0 { return }  // POLLERR/POLLNVAL on the listener
                    continue
                }
                let client = accept(listener, nil, nil)
                if client < 0 { continue }  // EINTR, ECONNABORTED, EMFILE...: try again
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)

                var timeout = timeval(tv_sec: Self.socketTimeout, tv_usec: 0)
                setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                condition.lock()
                if stopped {
                    condition.unlock()
                    close(client)
                    return
                }
                connections.insert(client)
                activeThreads += 1
                condition.unlock()
                do {
                    let thread = try Self.spawn { [self] in
                        serve(client)
                        finish(client)
                    }
                    pthread_detach(thread)
                } catch {
                    finish(client)
                }
            }
        }

        /// Closes the connection and counts its thread as ended.
        private func finish(_ fd: Int32) {
            condition.lock()
            connections.remove(fd)
            close(fd)
            activeThreads -= 1
            condition.broadcast()
            condition.unlock()
        }

        // MARK: Requests

        struct Request {
            var method: String
            var target: String
            var headers: [String: String]
        }

        private func serve(_ fd: Int32) {
            let request: Request
            switch readRequest(fd) {
            case .closed:
                return
            case .malformed:
                sendResponse(fd, status: 400, headers: [("Content-Type", "text/plain")], body: Array("Bad Request\n".utf8), head: false)
                lingeringClose(fd)
                return
            case .request(let parsed):
                request = parsed
            }
            let range = request.headers["range"]
            condition.lock()
            seen.append((path: request.target, range: range))
            var key = request.target
            if routes[key] == nil, let query = key.firstIndex(of: "?") { key = String(key[..<query]) }
            let route = routes[key]
            let isHead = request.method == "HEAD"
            var dropCut: Int?
            if case .dropAfter(_, _, let cut, let times)? = route, !isHead {
                let count = dropCounts[key, default: 0]
                dropCounts[key] = count + 1
                if count < times { dropCut = max(0, cut) }
            }
            condition.unlock()

            switch route {
            case nil:
                sendResponse(fd, status: 404, headers: [("Content-Type", "text/plain")], body: Array("Not Found\n".utf8), head: isHead)
            case .bytes(let body, let type)?:
                sendRanged(fd, body: body, type: type, range: range, head: isHead)
            case .bytesIgnoringRange(let body, let type)?:
                sendResponse(fd, status: 200, headers: [("Content-Type", type)], body: body, head: isHead)
            case .noLength(let body, let type)?:
                sendResponse(fd, status: 200, headers: [("Content-Type", type)], body: body, head: isHead, contentLength: false)
            case .dropAfter(let body, let type, _, _)?:
                sendRanged(fd, body: body, type: type, range: range, head: isHead, cut: dropCut)
            case .redirect(let location, let status)?:
                sendResponse(fd, status: status, headers: [("Location", location), ("Content-Type", "text/plain")],
                             body: Array("Moved to \(location)\n".utf8), head: isHead)
            case .status(let status, let text)?:
                sendResponse(fd, status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
                             body: Array(text.utf8), head: isHead)
            case .slow(let body, let type, let rate)?:
                sendRanged(fd, body: body, type: type, range: range, head: isHead, bytesPerSecond: rate)
            case .raw(let status, let headers, let body, let total, let rate)?:
                sendRaw(fd, status: status, headers: headers, body: body, total: total, bytesPerSecond: rate, head: isHead)
            }
            lingeringClose(fd)
        }

        enum ReadOutcome {
            case request(Request)
            case malformed
            case closed
        }

        /// Reads up to the blank line after the headers and parses the request line and headers.
        private func readRequest(_ fd: Int32) -> ReadOutcome {
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            var headerEnd: Int?
            while headerEnd == nil {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return buffer.isEmpty ? .closed : .malformed }
                let searchFrom = max(0, buffer.count - 3)
                buffer.append(contentsOf: chunk[0..<n])
                headerEnd = Self.endOfHeaders(buffer, from: searchFrom)
                if headerEnd == nil, buffer.count > Self.maximumHeaderBytes { return .malformed }
            }
            // Split on LF bytes (not on Characters: "\r\n" is one Character in Swift).
            var lines = buffer[..<headerEnd!].split(separator: 0x0A, omittingEmptySubsequences: false).map {
                String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self)
            }
            // Tolerate empty lines before the request line (RFC 9112, 2.2).
            while let first = lines.first, first.isEmpty { lines.removeFirst() }
            guard let requestLine = lines.first else { return .malformed }
            let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), !parts[0].isEmpty else { return .malformed }
            var target = String(parts[1])
            for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
                let rest = target.dropFirst(scheme.count)
                target = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
            }
            var headers: [String: String] = [:]
            var lastName: String?
            for line in lines.dropFirst() where !line.isEmpty {
                if line.first == " " || line.first == "\t", let name = lastName {
                    // Obsolete line folding: continues the previous header.
                    headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                    continue
                }
                guard let colon = line.firstIndex(of: ":") else { return .malformed }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { return .malformed }
                headers[name] = headers[name].map { $0 + ", " + value } ?? value
                lastName = name
            }
            return .request(Request(method: String(parts[0]).uppercased(), target: target, headers: headers))
        }

        /// The index just after "\r\n\r\n" (or "\n\n"), searching from `from`.
        static func endOfHeaders(_ bytes: [UInt8], from: Int) -> Int? {
            var i = from
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x0A { return i + 2 }
                    if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { return i + 3 }
                }
                i += 1
            }
            return nil
        }
    }
}
