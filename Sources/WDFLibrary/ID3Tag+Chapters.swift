import WDFCore

/// Chapters from `CHAP` and `CTOC` frames (ID3v2 Chapter Frame Addendum 1.0).
extension ID3Tag {
    /// A decoded `CHAP` frame.
    struct ChapterFrame: Sendable, Equatable {
        var elementID: String
        var startMilliseconds: UInt32
        var endMilliseconds: UInt32
        var title: String?
        var subtitle: String?
        var url: String?
        var image: String?

        /// Element id (NUL-terminated ISO-8859-1), start/end time (ms), start/end byte offset,
        /// then sub-frames: `TIT2` the title, `TIT3` a description, `WXXX` a link, `APIC` a
        /// picture (recorded as a reference: its type and size, never its bytes). `nil` when the
        /// fixed part is incomplete.
        init?(_ data: ArraySlice<UInt8>, parser: ID3Parser) {
            var cursor = ID3Cursor(data)
            guard let id = cursor.readNULTerminated(),
                  let start = cursor.readUInt32(), let end = cursor.readUInt32(),
                  cursor.skip(8)  // byte offsets: not needed to play
            else { return nil }
            elementID = ID3Tag.latin1(id)
            startMilliseconds = start
            endMilliseconds = end
            let subFrames = parser.frames(in: cursor.readRest(), limit: ID3Parser.maximumSubFrames) {
                ["TIT2", "TIT3", "WXXX", "APIC"].contains($0) ? $0 : nil
            }
            for frame in subFrames {
                switch frame.id {
                case "TIT2": title = title ?? ID3TextEncoding.textFrameValue(frame.data)
                case "TIT3": subtitle = subtitle ?? ID3TextEncoding.textFrameValue(frame.data)
                case "WXXX": url = url ?? ID3TextEncoding.userLinkFrame(frame.data)
                default: image = image ?? ID3TextEncoding.pictureReference(frame.data)
                }
            }
        }

        /// As a `Chapter`; `position` (1-based) names untitled chapters.
        func chapter(position: Int) -> Chapter {
            let end: Double? = endMilliseconds > startMilliseconds && endMilliseconds != .max
                ? Double(endMilliseconds) / 1000 : nil
            return Chapter(title: title ?? "Chapter \(position)", start: Double(startMilliseconds) / 1000, end: end,
                           description: subtitle, url: url, image: image)
        }
    }

    /// A decoded `CTOC` frame (its sub-frames, such as a `TIT2` for the table, are not needed).
    struct TableOfContentsFrame: Sendable, Equatable {
        var elementID: String
        var isTopLevel: Bool
        var isOrdered: Bool
        var entries: [String]

        /// Element id, flags (0x01 ordered, 0x02 top-level), entry count, NUL-terminated entry ids.
        /// `nil` when the id or flags are missing; a short entry list keeps the entries present.
        init?(_ data: ArraySlice<UInt8>) {
            var cursor = ID3Cursor(data)
            guard let id = cursor.readNULTerminated(), let flags = cursor.readByte(),
                  let count = cursor.readByte() else { return nil }
            elementID = ID3Tag.latin1(id)
            isOrdered = flags & 0x01 != 0
            isTopLevel = flags & 0x02 != 0
            entries = []
            for _ in 0..<count {
                guard let entry = cursor.readNULTerminated() else { break }
                entries.append(ID3Tag.latin1(entry))
            }
        }
    }

    /// Chapters in play order.
    ///
    /// With `CTOC` frames: the entries of the top-level one (the first flagged top-level, else
    /// the first), with entries naming another `CTOC` expanded in place (each `CTOC` at most
    /// once, so loops end; unknown ids are skipped), then the `CHAP`s it doesn't reach, by start
    /// time. Without `CTOC`: all `CHAP`s by start time (stable). Duplicate element ids: the first wins.
    static func chapters(
        chapterFrames: [ArraySlice<UInt8>], tableOfContentsFrames: [ArraySlice<UInt8>], parser: ID3Parser
    ) -> [Chapter] {
        var chapters: [ChapterFrame] = []
        var chapterIndex: [String: Int] = [:]
        for data in chapterFrames {
            guard let chapter = ChapterFrame(data, parser: parser), chapterIndex[chapter.elementID] == nil else { continue }
            chapterIndex[chapter.elementID] = chapters.count
            chapters.append(chapter)
        }

        var tables: [TableOfContentsFrame] = []
        var tableIndex: [String: Int] = [:]
        for data in tableOfContentsFrames {
            guard let table = TableOfContentsFrame(data), tableIndex[table.elementID] == nil else { continue }
            tableIndex[table.elementID] = tables.count
            tables.append(table)
        }

        var ordered: [Int] = []  // indices into `chapters`
        var placed = [Bool](repeating: false, count: chapters.count)
        if let top = tables.firstIndex(where: \.isTopLevel) ?? tables.indices.first {
            // Depth-first over the tables without recursion (nesting depth is attacker-controlled).
            var expanded = [Bool](repeating: false, count: tables.count)
            expanded[top] = true
            var stack: [(table: Int, next: Int)] = [(top, 0)]
            while let (table, next) = stack.last {
                let entries = tables[table].entries
                guard next < entries.count else {
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let entry = entries[next]
                if let index = chapterIndex[entry] {
                    if !placed[index] {
                        placed[index] = true
                        ordered.append(index)
                    }
                } else if let child = tableIndex[entry], !expanded[child] {
                    expanded[child] = true
                    stack.append((child, 0))
                }
            }
        }

        // Unreached chapters (all of them without a CTOC), by start time, stable.
        let rest = chapters.indices.filter { !placed[$0] }
            .sorted { (chapters[$0].startMilliseconds, $0) < (chapters[$1].startMilliseconds, $1) }
        return (ordered + rest).enumerated().map { position, index in
            chapters[index].chapter(position: position + 1)
        }
    }

    /// ISO-8859-1 bytes as a string (element ids are compared as such).
    fileprivate static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.lazy.map { Unicode.Scalar($0) })
        return String(scalars)
    }
}
