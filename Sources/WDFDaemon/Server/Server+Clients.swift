import Glibc
import WDFPlatform
import WDFCore
import WDFProtocol
import CLinux

/// The clients of the control socket: accepting (our uid only), reading requests fairly,
/// answering, pushing events, and timing out the silent.
extension Server {
    func acceptClients() {
        acceptRanOutLogged = false
        while true {
            if sessions.count >= clientLimit, !makeRoomForClient() {
                refuseNewcomers()
                return
            }
            guard let fd = acceptOne() else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            guard let uid = UnixSocket.peerUID(fd), uid == getuid() else {
                let peer = UnixSocket.peerUID(fd).map(String.init) ?? "unknown"
                log.warning("refused a connection from uid \(peer) (only uid \(getuid()) may control this daemon)")
                // One line that says why, before closing (best effort: the socket is new and
                // empty, so the line fits in its buffer; a peer that is gone does not matter).
                let refusal = Message.reply(id: .null, .failure(WireError(
                    "permission_denied",
                    "wdfplayd here runs as uid \(getuid()) and answers only that user; this connection came from uid \(peer)."))).json
                var line = Array(refusal.serialized.utf8) + [0x0A]
                _ = line.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(fd)
                continue
            }
            let session = ClientSession(fd: fd, id: nextSessionID, now: Server.now())
            nextSessionID += 1
            sessions[fd] = session
            log.debug("client \(session.id) connected")
        }
    }

    func service(_ fd: Int32, readable: Bool) {
        guard let session = sessions[fd] else { return }
        if readable {
            let (lines, open, tooLong) = session.receive()
            session.lastInput = Server.now()
            if !lines.isEmpty { session.spoke = true }
            for _ in 0..<tooLong {
                session.send(Message.reply(id: .null, .failure(.badRequest("The request is longer than \(ClientSession.maxLine) bytes."))).json)
            }
            session.pending += lines.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 } }
            if !open { session.closing = true }
        }
        // Requests are answered while less than `readPause` is unsent; the rest wait until the
        // client has read (one read can hold hundreds of requests for long lists). A request can
        // end this very client (its own event past the caps), so it is looked up after each.
        while true {
            let before = session.unsent
            while !session.pending.isEmpty, session.unsent < ClientSession.readPause, running {
                let line = session.pending.removeFirst()
                let answer = answer(line, from: session)
                guard sessions[fd] === session else { return }
                session.send(answer)
            }
            if session.unsent - before > Server.largeReply { trimAfterLargeReply = true }
            if library.grewLarge {
                // Reading thousands of tags or a large index leaves freed memory behind.
                library.grewLarge = false
                trimAfterLargeReply = true
            }
            if !session.flush() || (session.closing && session.unsent == 0 && session.pending.isEmpty) {
                drop(session)
                break
            }
            if session.pending.isEmpty || session.unsent >= ClientSession.readPause || !running { break }
        }
        if sessions[fd] === session, session.unsent > 0 {
            capUnsent()
        }
        if trimAfterLargeReply, sessions.values.allSatisfy({ $0.unsent < Server.largeReply }) {
            // A long episode list was built and sent: hand the freed megabytes back to the
            // system rather than keep them in malloc's arenas (RSS of a resident daemon).
            trimAfterLargeReply = false
            malloc_trim(0)
        }
    }

    /// Replies longer than this (an episode list of thousands) are followed by a malloc_trim.
    static let largeReply = 256 * 1024

    /// The earliest time a silent or half-sent client times out.
    func sessionDeadline() -> Double? {
        sessions.values.compactMap(\.deadline).min()
    }

    func dropSilentClients() {
        let now = Server.now()
        for session in sessions.values where (session.deadline ?? .infinity) <= now {
            session.send(Message.reply(id: .null, .failure(WireError("timeout",
                "No complete request within \(Int(ClientSession.silenceLimit)) s; closing the connection."))).json)
            _ = session.flush()
            log.debug("client \(session.id) timed out")
            drop(session)
        }
    }

    /// Closes a client once: a session already dropped (by a cap, during its own request) is
    /// not closed again, since its descriptor number may belong to a new file by now.
    func drop(_ session: ClientSession) {
        guard sessions[session.fd] === session else { return }
        close(session.fd)
        sessions[session.fd] = nil
        log.debug("client \(session.id) disconnected")
    }

    /// Reads one request line (`Request.read`: the arguments checked once) and runs it; always
    /// returns a reply.
    func answer(_ line: [UInt8], from session: ClientSession) -> JSON {
        let request: Request
        do {
            request = try Request.read(line: line)
        } catch {
            return Message.reply(id: error.id, .failure(error.error)).json
        }
        do {
            return Message.reply(id: request.id, .success(try commands.run(request.command, session: session).json)).json
        } catch {
            return Message.reply(id: request.id, .failure(error)).json
        }
    }

    /// Pushes `event` to every subscriber (serialized once for all).
    func broadcast(_ event: Event) {
        var line: [UInt8]?
        for session in sessions.values where session.subscribed {
            if session.unsent > ClientSession.maxEventBacklog {
                log.warning("client \(session.id) does not read its events; disconnecting it")
                dropForBacklog(session, "This connection left more than \(ClientSession.maxEventBacklog / 1024) KiB of events unread; closing it.")
                continue
            }
            if line == nil { line = Message.event(event).json.serializedBytes + [0x0A] }
            session.send(line: line ?? [])
            if !session.flush() { drop(session) }
        }
        capUnsent()
    }

    /// Keeps the bytes queued for all clients together under `maxUnsent`: past it, the client
    /// with the most unsent is dropped, then the next, while more than one has something unsent
    /// (a single reply larger than the cap, to a client that reads, still goes out whole).
    func capUnsent() {
        var total = sessions.values.reduce(0) { $0 + $1.unsent }
        guard total > Server.maxUnsent else { return }
        var queued = sessions.values.filter { $0.unsent > 0 }.sorted { $0.unsent > $1.unsent }
        while total > Server.maxUnsent, queued.count > 1 {
            let worst = queued.removeFirst()
            total -= worst.unsent
            log.warning("client \(worst.id) holds \(worst.unsent / 1024) KiB unread of \(total / 1024 + worst.unsent / 1024) KiB for all clients; disconnecting it")
            dropForBacklog(worst, "The daemon holds more than \(Server.maxUnsent / 1_048_576) MiB unread for its clients and this connection the most; closing it.")
        }
    }

    /// All clients together may leave this much unread before the one with the most is dropped.
    static let maxUnsent = 32 * 1024 * 1024

    /// Drops a client that does not read, its unsent backlog replaced by a `too_slow` line.
    func dropForBacklog(_ session: ClientSession, _ message: String) {
        session.abandonBacklog(with: Message.reply(id: .null, .failure(WireError("too_slow", message))).json)
        drop(session)
    }

    /// The next waiting connection, or nil when there is none (or descriptors ran out, which
    /// `acceptRanOut` handles without spinning).
    private func acceptOne() -> Int32? {
        do {
            return try sys(nonBlocking: "accept", "the control socket") { accept(listenFD, nil, nil) }.value
        } catch {
            if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code) { acceptRanOut(error.code) }
            return nil
        }
    }

    /// Every client is busy and the cap is reached: waiting connections are accepted and told so.
    func refuseNewcomers() {
        while let fd = acceptOne() {
            var line = Message.reply(id: .null, .failure(Server.tooManyClients(
                "The daemon has \(sessions.count) connections, as many as it takes, all busy; try again in a moment."))).json.serializedBytes
            line.append(0x0A)
            _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            close(fd)
        }
    }
}
