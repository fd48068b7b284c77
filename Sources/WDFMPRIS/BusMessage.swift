import CSystemd
import Glibc

/// A message that sd-bus lends to a callback (a method call to read, a property reply to fill),
/// or one the connection made and frees itself. Never kept past the callback.
struct BusMessage {
    let pointer: OpaquePointer

    // MARK: reading a call's arguments

    func readInt64() throws(MPRISError) -> Int64 {
        var value: Int64 = 0
        try read("x", &value)
        return value
    }

    func readUInt32() throws(MPRISError) -> UInt32 {
        var value: UInt32 = 0
        try read("u", &value)
        return value
    }

    func readDouble() throws(MPRISError) -> Double {
        var value: Double = 0
        try read("d", &value)
        return value
    }

    /// A string (`s`) or an object path (`o`) of at most `limit` bytes; a longer one is refused
    /// with a sentence naming `what`, without being copied. sd-bus has checked that it is UTF-8.
    func readText(_ type: Character, limit: Int, what: String) throws(MPRISError) -> String {
        var value: UnsafePointer<CChar>? = nil
        try read(type, &value)
        guard let value else { throw .badArgument("The \(what) is missing.") }
        guard strnlen(value, limit + 1) <= limit else {
            throw .badArgument("The \(what) is longer than \(limit) bytes.")
        }
        return String(cString: value)
    }

    private func read<T>(_ type: Character, _ value: inout T) throws(MPRISError) {
        let rc = withUnsafeMutablePointer(to: &value) { sd_bus_message_read_basic(pointer, code(type), $0) }
        guard rc > 0 else {
            throw .badArgument("An argument of type \(type) is missing (\(String(cString: strerror(rc == 0 ? EINVAL : -rc)))).")
        }
    }

    // MARK: appending

    func append(_ value: BusValue) throws(MPRISError) {
        switch value {
        case let .string(text): try appendText("s", text)
        case let .objectPath(text): try appendText("o", text)
        case var .int64(number): try check(sd_bus_message_append_basic(pointer, code("x"), &number), "append x")
        case var .int32(number): try check(sd_bus_message_append_basic(pointer, code("i"), &number), "append i")
        case var .uint32(number): try check(sd_bus_message_append_basic(pointer, code("u"), &number), "append u")
        case var .double(number): try check(sd_bus_message_append_basic(pointer, code("d"), &number), "append d")
        case let .bool(flag):
            var number: Int32 = flag ? 1 : 0
            try check(sd_bus_message_append_basic(pointer, code("b"), &number), "append b")
        case let .strings(texts):
            try open("a", "s")
            for text in texts { try appendText("s", text) }
            try close()
        case let .dictionary(entries):
            try open("a", "{sv}")
            for entry in entries {
                try open("e", "sv")
                try appendText("s", entry.key)
                try open("v", entry.value.signature)
                try append(entry.value)
                try close()
                try close()
            }
            try close()
        }
    }

    private func appendText(_ type: Character, _ text: String) throws(MPRISError) {
        let rc = text.withCString { sd_bus_message_append_basic(pointer, code(type), $0) }
        try check(rc, "append \(type)")
    }

    private func open(_ type: Character, _ contents: String) throws(MPRISError) {
        try check(sd_bus_message_open_container(pointer, code(type), contents), "open \(type)\(contents)")
    }

    private func close() throws(MPRISError) {
        try check(sd_bus_message_close_container(pointer), "close container")
    }

    private func code(_ type: Character) -> CChar { CChar(bitPattern: type.asciiValue ?? 0) }
}

/// sd-bus returns a negative errno on failure.
@discardableResult
func check(_ rc: Int32, _ call: String) throws(MPRISError) -> Int32 {
    guard rc >= 0 else { throw .bus(call: call, code: -rc) }
    return rc
}
