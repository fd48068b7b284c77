import WDFTestSupport
import CLinux
import Glibc
import Testing
import WDFCore
import WDFPlatform

/// The system-call funnel: EINTR retried inside, EAGAIN/EWOULDBLOCK a result of its own (no
/// caller reads errno for it), every other failure a `SystemError` naming the call.
@Suite("System-call funnel")
struct SystemCallTests {
    @Test func anEmptyNonBlockingPipeWouldBlockThenReads() throws {
        var ends: [Int32] = [0, 0]
        try sys("pipe", "a test pipe") { pipe(&ends) }
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 16)
        let empty = try sys(nonBlocking: "read", "a test pipe") { buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) } }
        #expect(empty == .wouldBlock)
        #expect(empty.value == nil)
        let written = try sys("write", "a test pipe") { write(ends[1], "abc", 3) }
        #expect(written == 3)
        let three = try sys(nonBlocking: "read", "a test pipe") { buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) } }
        #expect(three == .done(3))
        close(ends[1])
        ends[1] = -1
        let end = try sys(nonBlocking: "read", "a test pipe") { buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) } }
        #expect(end == .done(0))
    }

    @Test func anyOtherFailureNamesTheCall() {
        var byte: UInt8 = 0
        #expect(throws: SystemError("read", "a closed descriptor", code: EBADF)) {
            try sys(nonBlocking: "read", "a closed descriptor") { read(-1, &byte, 1) }
        }
        #expect(throws: SystemError("read", "a closed descriptor", code: EBADF)) {
            try sys("read", "a closed descriptor") { read(-1, &byte, 1) }
        }
    }
}

@Suite("Unix socket address")
struct SocketAddressTests {
    @Test func aPathTooLongForSunPathIsRefusedNamingTheCall() {
        let path = "/tmp/" + String(repeating: "s", count: 120)
        #expect(throws: SystemError("bind", path, code: ENAMETOOLONG)) { try SocketAddress(path: path, for: "bind") }
        // 107 bytes and the NUL fill sun_path exactly.
        let longest = "/tmp/" + String(repeating: "s", count: 102)
        #expect(throws: Never.self) { try SocketAddress(path: longest) }
    }

    @Test func bindAndConnectMeetAtThePath() throws {
        let path = TemporaryDirectory.make("socket") + "/s.sock"
        let address = try SocketAddress(path: path, for: "bind")
        let listener = try sys("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
        defer { close(listener) }
        try sys("bind", path) { address.withSockaddr { bind(listener, $0, $1) } }
        try sys("listen", path) { listen(listener, 1) }
        let client = try sys("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
        defer { close(client) }
        #expect(address.withSockaddr { connect(client, $0, $1) } == 0)
        // The address as the kernel has it is the path, NUL-terminated.
        #expect(address.length == socklen_t(2 + path.utf8.count + 1))
    }

    @Test func anAbstractNameOnlyWhenAsked() throws {
        let file = try SocketAddress(path: "@name")
        #expect(file.length == socklen_t(2 + 5 + 1))
        let abstract = try SocketAddress(path: "@name", allowingAbstract: true)
        #expect(abstract.length == socklen_t(2 + 5))
    }
}

@Suite("Spawning programs")
struct ExecutableTests {
    @Test func runCollectsStatusOutputAndError() throws {
        let result = try Executable.run(["/bin/sh", "-c", "echo out; echo err >&2; read x || echo stdin-empty; exit 3"])
        #expect(result.status == 3)
        #expect(String(decoding: result.output, as: UTF8.self) == "out\nstdin-empty\n")
        #expect(String(decoding: result.error, as: UTF8.self) == "err\n")
    }

    @Test func aSignalEndsWith128PlusItsNumber() throws {
        #expect(try Executable.run(["/bin/sh", "-c", "kill -KILL $$"]).status == 128 + SIGKILL)
    }

    @Test func aMissingProgramIsASystemErrorNamingIt() {
        #expect(throws: SystemError("posix_spawn", "/nonexistent/wdf-program", code: ENOENT)) {
            try Executable.runInheriting(["/nonexistent/wdf-program"])
        }
    }

    @Test func outputAndErrorAppendToOneFileInANewSession() throws {
        let log = TemporaryDirectory.make("spawn") + "/log"
        try FileSystem.writeAtomically(log, Array("before\n".utf8), durable: false)
        let pid = try Executable.spawn(["/bin/sh", "-c", "echo out; echo err >&2; [ \"$(cut -d' ' -f6 /proc/$$/stat)\" -eq $$ ] && echo leader"],
                                       input: .null, output: .appending(log), error: .standardOutput, newSession: true)
        #expect(try Executable.wait(pid) == 0)
        #expect(String(decoding: try FileSystem.read(log), as: UTF8.self) == "before\nout\nerr\nleader\n")
    }
}

@Suite("inotify")
struct InotifyTests {
    @Test func anEventMakesDrainReportOnce() throws {
        let directory = TemporaryDirectory.make("inotify")
        let inotify = try #require(Inotify())
        #expect(inotify.addWatch(directory, mask: UInt32(IN_CREATE)) != nil)
        #expect(inotify.addWatch(directory + "/missing", mask: UInt32(IN_CREATE)) == nil)
        #expect(!inotify.drain())
        try FileSystem.writeAtomically(directory + "/new", [1], durable: false)
        #expect(inotify.drain())
        #expect(!inotify.drain())
    }
}

@Suite("Signals as a descriptor")
struct SignalDescriptorTests {
    /// SIGUSR2, blocked and sent to this thread, waits on the descriptor instead of ending the
    /// process; it is read once.
    @Test func aBlockedSignalIsReadFromTheDescriptor() throws {
        let signals = try SignalDescriptor([SIGUSR2])
        #expect(signals.take().isEmpty)
        #expect(pthread_kill(pthread_self(), SIGUSR2) == 0)
        var pfd = pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)
        #expect(try sys("poll", "a signalfd") { poll(&pfd, 1, 10_000) } == 1)
        #expect(signals.take() == [SIGUSR2])
        #expect(signals.take().isEmpty)
    }
}
