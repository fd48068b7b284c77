import Foundation

/// A value shared between threads, behind a lock.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    package init(_ value: Value) { self.value = value }
    package func get() -> Value { lock.withLock { value } }
    package func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
