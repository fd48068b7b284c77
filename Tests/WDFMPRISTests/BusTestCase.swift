import Foundation
import Glibc
import WDFMPRIS
import XCTest

/// A private bus, a service on it serving a `TestPlayer`, and the test's own poll loop: the
/// service's descriptor and the pipes of the tools the test runs, as the daemon's loop will do it.
class BusTestCase: XCTestCase {
    var bus: PrivateBus!
    var player: TestPlayer!
    var service: MPRISService!
    var logged: [String] = []

    override func setUpWithError() throws {
        bus = try PrivateBus()
        player = TestPlayer()
        service = makeService(address: bus.address)
        service.start()
        try pump("the bus to give the name") { self.service.ownedName != nil }
    }

    override func tearDown() {
        service = nil
        bus = nil
    }

    func makeService(address: String, reconnectInterval: Double = 10) -> MPRISService {
        MPRISService(player: player, options: .init(address: address, reconnectInterval: reconnectInterval)) {
            [unowned self] level, message in self.logged.append("\(level.name): \(message)")
        }
    }

    /// Turns the loop until `done` (at most `seconds`: a generous deadline, not a timing).
    func pump(_ what: String, children: [Child] = [], seconds: Double = 60, until done: () -> Bool) throws {
        let deadline = Clock.now + seconds
        while !done() {
            guard Clock.now < deadline else { throw ChildError("Gave up waiting for \(what) after \(seconds) s.") }
            var fds = children.filter { $0.fd >= 0 }.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let busIndex = fds.count
            if let descriptor = service.pollDescriptor { fds.append(descriptor) }
            let left = Int32(max(1, (deadline - Clock.now) * 1000))
            let timeout = service.pollTimeout < 0 ? left : min(service.pollTimeout, left)
            let rc = poll(&fds, nfds_t(fds.count), timeout)
            if rc < 0, errno != EINTR { throw ChildError("poll: \(String(cString: strerror(errno)))") }
            for (i, child) in children.filter({ $0.fd >= 0 }).enumerated() where fds[i].revents != 0 { child.read() }
            if fds.count > busIndex, fds[busIndex].revents != 0 || rc == 0 { service.process() }
        }
    }

    /// Runs a tool against the bus, serving the service meanwhile; its exit status and output.
    @discardableResult
    func run(_ argv: [String]) throws -> (status: Int32, output: String) {
        let child = try Child(argv, environment: bus.environment)
        try pump("`\(child.command)` to finish", children: [child]) { child.fd < 0 }
        return (child.wait(), child.text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `playerctl -p wdfplay ARGS`.
    @discardableResult
    func playerctl(_ arguments: String...) throws -> String {
        let (status, output) = try run(["playerctl", "-p", "wdfplay"] + arguments)
        XCTAssertEqual(status, 0, "playerctl \(arguments.joined(separator: " ")): \(output)")
        return output
    }

    /// `gdbus call` of a Player method with GVariant-text arguments.
    func gdbusCall(_ method: String, _ arguments: String...) throws -> (status: Int32, output: String) {
        try run(["gdbus", "call", "--session", "--dest", MPRISService.busName,
                 "--object-path", MPRISService.objectPath, "--method", "org.mpris.MediaPlayer2.Player.\(method)"]
                + arguments)
    }
}
