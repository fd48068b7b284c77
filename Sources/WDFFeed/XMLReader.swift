import WDFCore
import WDFLibrary

/// A small non-validating XML reader for podcast feeds (no libxml2, no Foundation).
///
/// It reads elements, attributes (either quote), namespaces (resolved to their URIs through the
/// `xmlns` declarations in scope, so a feed may use any prefix), text, CDATA, comments and
/// processing instructions. A `<!DOCTYPE …>` is skipped and its entity declarations are not
/// used (no entity expansion: a "billion laughs" document is read in linear time, its entity
/// references left as written). The five predefined entities and numeric references are
/// decoded; the common HTML ones (`&nbsp;` `&eacute;` …) found in sloppy feeds too; any other
/// `&name;` — and a bare `&` — stay as written.
///
/// Malformed structure (a mismatched or missing end tag, an unquoted attribute value, text
/// outside the root element, a document that ends inside an element) throws an
/// `XMLSyntaxError` naming the line and column. A `<` that cannot start markup (`a < b`) is read
/// as text. Input is UTF-8 (invalid bytes become U+FFFD), UTF-16 with a byte-order mark, or
/// ISO-8859-1 / Windows-1252 when the XML declaration says so. Elements nest at most
/// `maximumDepth` deep; a document holds at most `maximumElements` elements and an element at most
/// `maximumAttributes` attributes (namespace declarations included). The tree is built in memory
/// (about 120 bytes an element), so these bound what a hostile feed can make the reader hold:
/// without them 60 MiB of `<a/>` took 1.8 GB and 27 s.
public enum XMLReader {
    public static let maximumDepth = 256
    /// A feed of 10,000 items has about 300,000 elements.
    public static let maximumElements = 1 << 20
    public static let maximumAttributes = 256

    /// A namespace URI ("" for none) and a local name.
    public struct Name: Sendable, Hashable {
        public var namespace: String
        public var local: String

        public init(namespace: String, local: String) {
            self.namespace = namespace
            self.local = local
        }
    }

    public struct Attribute: Sendable, Equatable {
        public var name: Name
        /// As written, with its prefix ("xlink:href").
        public var qualifiedName: String
        public var value: String
    }

    public struct Element: Sendable {
        public var name: Name
        /// As written, with its prefix ("itunes:duration").
        public var qualifiedName: String
        /// Without the namespace declarations (`xmlns`, `xmlns:p`).
        public var attributes: [Attribute]
        public var children: [Element]
        /// The element's own character data (text and CDATA sections, entities decoded), not
        /// that of its children.
        public var text: String
        /// Where the content between the start and end tags is in `Document.utf8`.
        public var contentRange: Range<Int>

        /// The value of the attribute `local` in `namespace` ("" for an unprefixed attribute).
        public func attribute(_ local: String, namespace: String = "") -> String? {
            attributes.first { $0.name.local == local && $0.name.namespace == namespace }?.value
        }

        /// The first child element named `local` in `namespace`.
        public func child(_ local: String, namespace: String) -> Element? {
            children.first { $0.name.local == local && $0.name.namespace == namespace }
        }
    }

    public struct Document: Sendable {
        public var root: Element
        /// The document as UTF-8 (transcoded when it was not, line ends made "\n").
        public var utf8: [UInt8]

        /// The content of `element` as written: its markup, entities not decoded.
        public func source(of element: Element) -> String {
            String(decoding: utf8[element.contentRange], as: UTF8.self)
        }
    }

    /// Reads `bytes` as a whole document. `knownPrefixes` gives the namespace of a prefix that
    /// the document uses without declaring it (sloppy feeds write `itunes:` without `xmlns:itunes`);
    /// other undeclared prefixes resolve to no namespace.
    public static func parse(_ bytes: [UInt8], knownPrefixes: [String: String] = [:]) throws(XMLSyntaxError) -> Document {
        var parser = XMLDocumentParser(bytes: utf8(from: bytes), knownPrefixes: knownPrefixes)
        let root = try parser.parseDocument()
        return Document(root: root, utf8: parser.b)
    }

    // MARK: encodings

    /// `bytes` as UTF-8 without a byte-order mark and with "\n" line ends: UTF-16 by its BOM,
    /// ISO-8859-1 and Windows-1252 by the XML declaration; anything else is taken as UTF-8.
    static func utf8(from input: [UInt8]) -> [UInt8] {
        var bytes: [UInt8]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = Array(input.dropFirst(3))
        } else if input.starts(with: [0xFE, 0xFF]) || input.starts(with: [0xFF, 0xFE]) {
            let bigEndian = input[0] == 0xFE
            var units: [UInt16] = []
            units.reserveCapacity(input.count / 2)
            var i = 2
            while i + 1 < input.count {
                units.append(bigEndian ? UInt16(input[i]) << 8 | UInt16(input[i + 1]) : UInt16(input[i + 1]) << 8 | UInt16(input[i]))
                i += 2
            }
            bytes = Array(String(decoding: units, as: UTF16.self).utf8)
        } else if isSingleByteLatin(declaredEncoding(input)) {
            bytes = []
            bytes.reserveCapacity(input.count + input.count / 8)
            for byte in input {
                if byte < 0x80 {
                    bytes.append(byte)
                } else {
                    let scalar = byte < 0xA0 ? HTMLEntity.windows1252[Int(byte - 0x80)] : Unicode.Scalar(byte)
                    bytes.append(contentsOf: String(Character(scalar)).utf8)
                }
            }
        } else {
            bytes = input
        }
        guard bytes.contains(0x0D) else { return bytes }
        var normalized: [UInt8] = []
        normalized.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D {
                normalized.append(0x0A)
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else {
                normalized.append(bytes[i])
            }
            i += 1
        }
        return normalized
    }

    /// The `encoding` of an XML declaration at the start of `bytes`, lower-cased.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        var start = 0
        while start < bytes.count, start < 64, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard bytes[start...].starts(with: Array("<?xml".utf8)) else { return nil }
        let head = bytes[start..<min(bytes.count, start + 512)]
        guard let close = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = String(decoding: head[..<close], as: UTF8.self).lowercased()
        guard let range = declaration.firstRange(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return String(value)
    }

    static func isSingleByteLatin(_ encoding: String?) -> Bool {
        guard let encoding else { return false }
        return ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100",
                "windows-1252", "cp1252", "x-cp1252", "iso-8859-15", "latin9"].contains(encoding)
    }
}

/// Why a document is not well-formed XML, and where: "line 12, column 5: </item> closes <title>".
public struct XMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// From 1.
    public var line: Int
    /// From 1, in characters.
    public var column: Int
    public var reason: String
    /// The root element's name as written, when the reader got that far (so that an HTML page
    /// can be told from a broken feed).
    public var rootName: String?
    /// Well-formed as far as read, but past one of the reader's limits (depth, elements, attributes).
    public var pastLimit = false

    public var description: String { "line \(line), column \(column): \(reason)" }
}
