import Foundation

/// A parsed JSON value with forgiving accessors (parsed by Foundation, independently of the
/// product's own JSON code).
package struct JSONValue: CustomStringConvertible, @unchecked Sendable {
    package let raw: Any?

    package init(_ raw: Any?) { self.raw = raw }

    /// Parses one JSON text; nil when it is not JSON.
    package init?(text: String) {
        guard let data = text.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        raw = any
    }

    package subscript(key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }
    package subscript(index: Int) -> JSONValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return JSONValue(nil) }
        return JSONValue(array[index])
    }

    package var isNull: Bool { raw == nil || raw is NSNull }
    package var exists: Bool { raw != nil }
    package var string: String? { raw as? String }
    /// Foundation gives booleans as NSNumbers of type "c"; numbers are never booleans here.
    private var number: NSNumber? { raw as? NSNumber }
    private var isBoolean: Bool { number.map { String(cString: $0.objCType) == "c" } ?? false }
    package var bool: Bool? { isBoolean ? number?.boolValue : nil }
    package var double: Double? { isBoolean ? nil : number?.doubleValue }
    package var int: Int? { double.flatMap { $0 == $0.rounded() ? Int($0) : nil } }
    package var array: [JSONValue]? { (raw as? [Any])?.map(JSONValue.init) }
    package var keys: [String] { ((raw as? [String: Any])?.keys).map { Array($0).sorted() } ?? [] }

    package var description: String {
        guard let raw, !(raw is NSNull) else { return "null" }
        if let s = raw as? String { return "\"\(s)\"" }
        if JSONSerialization.isValidJSONObject(raw),
           let data = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(raw)"
    }
}
