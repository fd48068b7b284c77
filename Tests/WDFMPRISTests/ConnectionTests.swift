import Foundation
import Glibc
import WDFMPRIS
import XCTest

/// Without a session bus the service is off with one line; a bus that goes away and comes back
/// is connected again on a later change.
final class ConnectionTests: XCTestCase {
    final class IdlePlayer: MPRISPlayer {
        var mprisState = MPRISState()
        var mprisPosition = 0.0
        func perform(_ command: MPRISCommand) throws(MPRISError) {}
    }

    func testNoSessionBusIsOneLineAndOff() {
        let player = IdlePlayer()
        var logged: [String] = []
        let service = MPRISService(player: player, options: .init(address: "unix:path=/nonexistent/wdfplay-test/bus")) {
            level, message in logged.append("\(level.name): \(message)")
        }
        service.start()
        XCTAssertEqual(logged.count, 1, "\(logged)")
        XCTAssertTrue(logged.first?.hasPrefix("warning: No session bus (") == true, "\(logged)")
        XCTAssertTrue(logged.first?.contains("MPRIS is off; everything else works.") == true, "\(logged)")
        guard case .off = service.status else { return XCTFail("\(service.status)") }
        XCTAssertNil(service.pollDescriptor)
        XCTAssertEqual(service.pollTimeout, -1)
        // Changes go on without a word in the log (the next attempt is 10 s away, and quiet).
        service.stateChanged()
        service.seeked()
        service.process()
        XCTAssertEqual(logged.count, 1, "\(logged)")
    }
}

final class ReconnectTests: BusTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wdf-mpris-\(getpid())-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        bus = try PrivateBus(socketPath: "\(folder)/bus")
        player = TestPlayer()
        service = makeService(address: bus.address, reconnectInterval: 0)
        service.start()
        try pump("the bus to give the name") { self.service.ownedName != nil }
    }

    override func tearDown() {
        super.tearDown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testABusThatGoesAwayIsConnectedAgainOnALaterChange() throws {
        let address = bus.address
        bus.end()
        try pump("the service to see the bus go") { self.service.ownedName == nil }
        guard case .lost = service.status else { return XCTFail("\(service.status)") }
        XCTAssertNil(service.pollDescriptor)
        XCTAssertEqual(logged.filter { $0.contains("Lost the session bus") }.count, 1, "\(logged)")

        bus = try PrivateBus(socketPath: "\(folder)/bus")
        XCTAssertEqual(bus.address.split(separator: ",")[0], address.split(separator: ",")[0])
        player.state.playback = .playing
        service.stateChanged()  // the change that tries again
        XCTAssertEqual(service.status, .connected)
        try pump("the name again") { self.service.ownedName != nil }
        XCTAssertEqual(try playerctl("status"), "Playing")
        XCTAssertTrue(logged.contains { $0.contains("Connected to the session bus again.") }, "\(logged)")
    }
}
