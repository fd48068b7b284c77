import Foundation

/// A parsed JSON value with forgiving accessors (parsed by Foundation, independently of the
/// product's own JSON code).
struct JSONValue: CustomStringConvertible, @unchecked Sendable {
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw }

    /// Parses one JSON text; nil when it is not JSON.
    init?(text: String) {
        guard let data = text.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        raw = any
    }

    subscript(key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }
    subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return JSONValue(nil) }
        return JSONValue(array[index])
    }

    var isNull: Bool { raw == nil || raw is NSNull }
    var exists: Bool { raw != nil }
    var string: String? { raw as? String }
    /// Foundation gives booleans as NSNumbers of type "c"; numbers are never booleans here.
    private var number: NSNumber? { raw as? NSNumber }
    private var isBoolean: Bool { number.map { String(cString: $0.objCType) == "c" } ?? false }
    var bool: Bool? { isBoolean ? number?.boolValue : nil }
    var double: Double? { isBoolean ? nil : number?.doubleValue }
    var int: Int? { double.flatMap { $0 == $0.rounded() ? Int($0) : nil } }
    var array: [JSONValue]? { (raw as? [Any])?.map(JSONValue.init) }
    var keys: [String] { ((raw as? [String: Any])?.keys).map { Array($0).sorted() } ?? [] }

    var description: String {
        guard let raw, !(raw is NSNull) else { return "null" }
        if let s = raw as? String { return "\"\(s)\"" }
        if JSONSerialization.isValidJSONObject(raw),
           let data = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(raw)"
    }
}
