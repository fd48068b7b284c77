import Glibc
import Testing
import WDFCore
import WDFPlatform
import WDFTestSupport

@Suite("FileLock")
struct FileLockTests {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    @Test func oneHolderAtATime() throws {
        let path = TemporaryDirectory.make("lock") + "/nested/store.lock"
        let first = try FileLock(path: path)
        let second = try FileLock(path: path)
        #expect(first.tryLock())
        #expect(!second.tryLock())
        first.unlock()
        #expect(second.tryLock())
        #expect(!first.tryLock())
    }

    @Test func aWaiterGetsTheLockWhenItsHolderLetsGo() async throws {
        let path = TemporaryDirectory.make("lock") + "/store.lock"
        let holder = try FileLock(path: path)
        #expect(holder.tryLock())
        let started = FileLockTests.now()
        let waiter = Task.detached { () throws -> Double in
            let lock = try FileLock(path: path)
            try lock.lock()
            return FileLockTests.now() - started
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        holder.unlock()
        let waited = try await waiter.value
        #expect(waited >= 0.25, "the waiter got the lock after \(waited) s, while it was held")
    }

    @Test func closingLetsGo() throws {
        let path = TemporaryDirectory.make("lock") + "/store.lock"
        do {
            let held = try FileLock(path: path)
            #expect(held.tryLock())
        }
        #expect(try FileLock(path: path).tryLock())
    }

    @Test func aLockFileThatCannotBeMadeIsAnError() {
        #expect(throws: SystemError.self) { try FileLock(path: "/proc/no-such-dir/x.lock") }
    }
}
