import WDFCore
import WDFLibrary

/// The reader behind `XMLReader.parse`: one pass over the bytes, building the element tree.
struct XMLDocumentParser {
    let b: [UInt8]
    let knownPrefixes: [String: String]
    var i = 0
    /// Open elements, innermost last, with where their start tags begin and the prefixes they declared.
    var stack: [(element: XMLReader.Element, start: Int, declared: [String])] = []
    var bindings: [String: [String]] = [:]
    var root: XMLReader.Element?
    var rootName: String?
    /// Start tags read so far (see `XMLReader.maximumElements`).
    var elementCount = 0

    init(bytes: [UInt8], knownPrefixes: [String: String]) {
        b = bytes
        self.knownPrefixes = knownPrefixes
    }

    // MARK: errors

    func error(_ reason: String, at offset: Int, pastLimit: Bool = false) -> XMLSyntaxError {
        let end = min(offset, b.count)
        var line = 1
        var lineStart = 0
        for k in 0..<end where b[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        var column = 1
        for k in lineStart..<end where b[k] & 0xC0 != 0x80 { column += 1 }
        var error = XMLSyntaxError(line: line, column: column, reason: reason, rootName: rootName)
        error.pastLimit = pastLimit
        return error
    }

    /// The character at `offset`, quoted for a message.
    func quoted(at offset: Int) -> String {
        guard offset < b.count else { return "the end" }
        var length = 1
        let lead = b[offset]
        if lead >= 0xF0 { length = 4 } else if lead >= 0xE0 { length = 3 } else if lead >= 0xC0 { length = 2 }
        let text = String(decoding: b[offset..<min(b.count, offset + length)], as: UTF8.self)
        if let scalar = text.unicodeScalars.first, scalar.value < 0x20 || scalar.value == 0x7F {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return "“" + text + "”"
    }

    // MARK: bytes

    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || c >= 0x80
    }

    static func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    func starts(with text: StaticString, at offset: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard offset + count <= b.count else { return false }
        for k in 0..<count where b[offset + k] != text.utf8Start[k] { return false }
        return true
    }

    /// The offset of the next `text` at or after `from`.
    func find(_ text: StaticString, from: Int) -> Int? {
        let count = text.utf8CodeUnitCount
        let first = text.utf8Start[0]
        var k = from
        while k + count <= b.count {
            if b[k] == first, starts(with: text, at: k) { return k }
            k += 1
        }
        return nil
    }

    mutating func skipSpace() {
        while i < b.count, XMLDocumentParser.isSpace(b[i]) { i += 1 }
    }

    mutating func readName() -> String {
        let start = i
        while i < b.count, XMLDocumentParser.isNameChar(b[i]) { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    // MARK: document

    mutating func parseDocument() throws(XMLSyntaxError) -> XMLReader.Element {
        while i < b.count {
            if b[i] == UInt8(ascii: "<") {
                try markup()
            } else {
                try characterData()
            }
        }
        if let open = stack.last {
            let (line, column) = position(of: open.start)
            throw error("the document ends inside <\(open.element.qualifiedName)> (opened at line \(line), column \(column))", at: b.count)
        }
        guard let root else { throw error("the document has no root element", at: b.count) }
        return root
    }

    func position(of offset: Int) -> (Int, Int) {
        let e = error("", at: offset)
        return (e.line, e.column)
    }

    mutating func markup() throws(XMLSyntaxError) {
        let start = i
        guard i + 1 < b.count else {
            if stack.isEmpty { throw error("“<” does not start a tag", at: start) }
            appendText("<")
            i += 1
            return
        }
        let next = b[i + 1]
        if next == UInt8(ascii: "?") {
            guard let end = find("?>", from: i + 2) else { throw error("the processing instruction never ends (no “?>”)", at: start) }
            i = end + 2
        } else if starts(with: "<!--", at: i) {
            guard let end = find("-->", from: i + 4) else { throw error("the comment never ends (no “-->”)", at: start) }
            i = end + 3
        } else if starts(with: "<![CDATA[", at: i) {
            guard !stack.isEmpty else { throw error("a CDATA section outside the root element", at: start) }
            guard let end = find("]]>", from: i + 9) else { throw error("the CDATA section never ends (no “]]>”)", at: start) }
            stack[stack.count - 1].element.text += String(decoding: b[(i + 9)..<end], as: UTF8.self)
            i = end + 3
        } else if starts(with: "<!DOCTYPE", at: i) || starts(with: "<!doctype", at: i) {
            guard stack.isEmpty, root == nil else { throw error("a DOCTYPE inside the document", at: start) }
            try skipDoctype()
        } else if next == UInt8(ascii: "!") {
            throw error("unknown markup “<!…”", at: start)
        } else if next == UInt8(ascii: "/") {
            try endTag()
        } else if XMLDocumentParser.isNameStart(next) {
            try startTag()
        } else {
            // "a < b" in sloppy text.
            if stack.isEmpty { throw error("“<” does not start a tag", at: start) }
            appendText("<")
            i += 1
        }
    }

    /// `<!DOCTYPE name … [internal subset] >`: skipped whole, declarations unused.
    mutating func skipDoctype() throws(XMLSyntaxError) {
        let start = i
        i += 9
        var depth = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                var k = i + 1
                while k < b.count, b[k] != c { k += 1 }
                i = k + 1
                continue
            }
            if starts(with: "<!--", at: i) {
                guard let end = find("-->", from: i + 4) else { break }
                i = end + 3
                continue
            }
            if c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "]") { depth = max(0, depth - 1) }
            if c == UInt8(ascii: ">"), depth == 0 {
                i += 1
                return
            }
            i += 1
        }
        throw error("the DOCTYPE never ends", at: start)
    }

    mutating func characterData() throws(XMLSyntaxError) {
        let start = i
        while i < b.count, b[i] != UInt8(ascii: "<") { i += 1 }
        if stack.isEmpty {
            if let k = b[start..<i].firstIndex(where: { !XMLDocumentParser.isSpace($0) }) {
                throw error(root == nil ? "text before the root element" : "text after the root element", at: k)
            }
            return
        }
        var text = ""
        decode(start..<i, into: &text)
        stack[stack.count - 1].element.text += text
    }

    mutating func appendText(_ text: String) {
        stack[stack.count - 1].element.text += text
    }

    /// Appends the text of `range` to `out` with entities decoded (those it knows; others and
    /// bare `&` stay), and with `\t` `\n` as spaces when `isAttribute`.
    func decode(_ range: Range<Int>, into out: inout String, isAttribute: Bool = false) {
        var run = range.lowerBound
        var k = range.lowerBound
        func flush(_ end: Int, _ out: inout String) {
            if run < end { out += String(decoding: b[run..<end], as: UTF8.self) }
        }
        while k < range.upperBound {
            let c = b[k]
            if c == UInt8(ascii: "&"), let (scalar, next) = entity(at: k, end: range.upperBound) {
                flush(k, &out)
                out.unicodeScalars.append(scalar)
                k = next
                run = k
            } else if isAttribute, c == 0x0A || c == 0x09 {
                flush(k, &out)
                out += " "
                k += 1
                run = k
            } else {
                k += 1
            }
        }
        flush(range.upperBound, &out)
    }

    /// The entity at `b[at]` (a `&`) and the offset after its `;`; nil when unknown or not an entity.
    func entity(at start: Int, end: Int) -> (Unicode.Scalar, Int)? {
        var k = start + 1
        let limit = min(end, start + 34)
        if k < limit, b[k] == UInt8(ascii: "#") {
            k += 1
            var radix: UInt32 = 10
            if k < limit, b[k] == UInt8(ascii: "x") || b[k] == UInt8(ascii: "X") { radix = 16; k += 1 }
            var code: UInt32 = 0
            var digits = 0
            while k < limit {
                let c = b[k]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                default: digit = 99
                }
                guard digit < radix else { break }
                code = min(code * radix + digit, 0x11_0000)
                digits += 1
                k += 1
            }
            guard digits > 0, k < end, b[k] == UInt8(ascii: ";") else { return nil }
            return (HTMLEntity.numericEntity(code), k + 1)
        }
        let nameStart = k
        while k < limit, (b[k] >= 0x61 && b[k] <= 0x7A) || (b[k] >= 0x41 && b[k] <= 0x5A) || (b[k] >= 0x30 && b[k] <= 0x39) { k += 1 }
        guard k > nameStart, k < end, b[k] == UInt8(ascii: ";") else { return nil }
        let name = String(decoding: b[nameStart..<k], as: UTF8.self)
        switch name {
        case "amp": return ("&", k + 1)
        case "lt": return ("<", k + 1)
        case "gt": return (">", k + 1)
        case "quot": return ("\"", k + 1)
        case "apos": return ("'", k + 1)
        default: return HTMLEntity.namedEntity(name).map { ($0, k + 1) }
        }
    }

    // MARK: tags

    mutating func startTag() throws(XMLSyntaxError) {
        let start = i
        i += 1
        let qualifiedName = readName()
        elementCount += 1
        guard elementCount <= XMLReader.maximumElements else {
            throw error("it has more than \(XMLReader.maximumElements) elements", at: start, pastLimit: true)
        }
        if stack.isEmpty {
            if let root { throw error("a second root element <\(qualifiedName)> after <\(root.qualifiedName)>", at: start) }
            rootName = qualifiedName
        }
        var raw: [(name: String, value: String)] = []
        var selfClosing = false
        while true {
            skipSpace()
            guard i < b.count else { throw error("the document ends inside the tag <\(qualifiedName)>", at: start) }
            let c = b[i]
            if c == UInt8(ascii: ">") {
                i += 1
                break
            }
            if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: ">") {
                i += 2
                selfClosing = true
                break
            }
            guard XMLDocumentParser.isNameStart(c) else { throw error("unexpected \(quoted(at: i)) in the tag <\(qualifiedName)>", at: i) }
            let attributeStart = i
            guard raw.count < XMLReader.maximumAttributes else {
                throw error("<\(qualifiedName)> has more than \(XMLReader.maximumAttributes) attributes", at: attributeStart, pastLimit: true)
            }
            let name = readName()
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "=") else {
                throw error("the attribute “\(name)” of <\(qualifiedName)> has no value", at: attributeStart)
            }
            i += 1
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
                throw error("the value of the attribute “\(name)” of <\(qualifiedName)> is not in quotes", at: i)
            }
            let quote = b[i]
            let valueStart = i + 1
            var k = valueStart
            while k < b.count, b[k] != quote { k += 1 }
            guard k < b.count else { throw error("the document ends inside the tag <\(qualifiedName)>", at: start) }
            var value = ""
            decode(valueStart..<k, into: &value, isAttribute: true)
            raw.append((name, value))
            i = k + 1
        }
        guard stack.count < XMLReader.maximumDepth else {
            throw error("elements are nested more than \(XMLReader.maximumDepth) deep", at: start, pastLimit: true)
        }

        // Namespace declarations first: they apply to the element's own name and attributes.
        var declared: [String] = []
        for (name, value) in raw {
            if name == "xmlns" {
                bindings["", default: []].append(value)
                declared.append("")
            } else if name.hasPrefix("xmlns:") {
                let prefix = String(name.dropFirst(6))
                bindings[prefix, default: []].append(value)
                declared.append(prefix)
            }
        }
        var attributes: [XMLReader.Attribute] = []
        attributes.reserveCapacity(raw.count - declared.count)
        for (name, value) in raw where name != "xmlns" && !name.hasPrefix("xmlns:") {
            attributes.append(XMLReader.Attribute(name: resolve(name, isAttribute: true), qualifiedName: name, value: value))
        }
        let element = XMLReader.Element(name: resolve(qualifiedName, isAttribute: false), qualifiedName: qualifiedName,
                                        attributes: attributes, children: [], text: "", contentRange: i..<i)
        stack.append((element, start, declared))
        if selfClosing { close() }
    }

    mutating func endTag() throws(XMLSyntaxError) {
        let start = i
        i += 2
        guard i < b.count, XMLDocumentParser.isNameStart(b[i]) else { throw error("“</” is not followed by a name", at: start) }
        let name = readName()
        skipSpace()
        guard i < b.count else { throw error("the document ends inside the end tag </\(name)>", at: start) }
        guard b[i] == UInt8(ascii: ">") else { throw error("unexpected \(quoted(at: i)) in the end tag </\(name)>", at: i) }
        guard let open = stack.last else {
            throw error(root == nil ? "</\(name)> has no start tag" : "</\(name)> after the root element", at: start)
        }
        guard open.element.qualifiedName == name else {
            throw error("</\(name)> closes <\(open.element.qualifiedName)>", at: start)
        }
        stack[stack.count - 1].element.contentRange = open.element.contentRange.lowerBound..<start
        i += 1
        close()
    }

    /// Pops the innermost element (its namespace declarations go out of scope) into its parent.
    mutating func close() {
        let (element, _, declared) = stack.removeLast()
        for prefix in declared {
            bindings[prefix]?.removeLast()
        }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].element.children.append(element)
        }
    }

    func resolve(_ qualifiedName: String, isAttribute: Bool) -> XMLReader.Name {
        guard let colon = qualifiedName.firstIndex(of: ":"), colon != qualifiedName.startIndex,
              qualifiedName.index(after: colon) != qualifiedName.endIndex else {
            // An unprefixed attribute is in no namespace; an element is in the default one.
            let namespace = isAttribute ? "" : (bindings[""]?.last ?? "")
            return XMLReader.Name(namespace: namespace, local: qualifiedName)
        }
        let prefix = String(qualifiedName[..<colon])
        let local = String(qualifiedName[qualifiedName.index(after: colon)...])
        if prefix == "xml" { return XMLReader.Name(namespace: "http://www.w3.org/XML/1998/namespace", local: local) }
        let namespace = bindings[prefix]?.last ?? knownPrefixes[prefix] ?? ""
        return XMLReader.Name(namespace: namespace, local: local)
    }
}
