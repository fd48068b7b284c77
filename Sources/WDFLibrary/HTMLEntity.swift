import WDFCore

/// HTML character references, as show notes (and feeds' text) use them: the named ones in common
/// use, numeric ones with browsers' Windows-1252 reading of 128–159.
public enum HTMLEntity {
    /// The character of a named HTML entity (`"eacute"` → "é"), for the common ones.
    public static func namedEntity(_ name: String) -> Unicode.Scalar? {
        namedEntities[name]
    }

    /// The character of a numeric reference `&#code;`: code points 128–159 are read as
    /// Windows-1252 (as browsers do: `&#150;` is "–"); 0, surrogates and values beyond Unicode
    /// give U+FFFD.
    public static func numericEntity(_ code: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(code) { return windows1252[Int(code - 0x80)] }
        guard code != 0, let scalar = Unicode.Scalar(code) else { return "\u{FFFD}" }
        return scalar
    }

    /// The Windows-1252 characters of bytes 0x80–0x9F (undefined ones kept as the C1 control).
    public static let windows1252: [Unicode.Scalar] = [
        "\u{20AC}", "\u{81}", "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", "\u{8D}", "\u{017D}", "\u{8F}",
        "\u{90}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", "\u{9D}", "\u{017E}", "\u{0178}",
    ]

    private static let namedEntities: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
            "ndash": "–", "mdash": "—", "hellip": "…", "lsquo": "‘", "rsquo": "’", "sbquo": "‚",
            "ldquo": "“", "rdquo": "”", "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›",
            "bull": "•", "middot": "·", "prime": "′", "Prime": "″", "dagger": "†", "Dagger": "‡", "permil": "‰",
            "copy": "©", "reg": "®", "trade": "™", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷",
            "frac12": "½", "frac14": "¼", "frac34": "¾", "sup1": "¹", "sup2": "²", "sup3": "³",
            "micro": "µ", "para": "¶", "sect": "§", "cent": "¢", "pound": "£", "yen": "¥", "euro": "€",
            "curren": "¤", "iexcl": "¡", "iquest": "¿", "ordf": "ª", "ordm": "º", "not": "¬", "shy": "\u{AD}",
            "macr": "¯", "acute": "´", "cedil": "¸", "uml": "¨", "brvbar": "¦", "szlig": "ß",
            "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}", "zwnj": "\u{200C}", "zwj": "\u{200D}",
            "lrm": "\u{200E}", "rlm": "\u{200F}", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "harr": "↔",
            "hearts": "♥", "spades": "♠", "clubs": "♣", "diams": "♦", "infin": "∞", "minus": "−", "asymp": "≈",
            "ne": "≠", "le": "≤", "ge": "≥", "oline": "‾", "frasl": "⁄", "circ": "ˆ", "tilde": "˜",
            "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "pi": "π", "mu": "μ", "sigma": "σ", "omega": "ω",
            "Delta": "Δ", "Omega": "Ω", "Sigma": "Σ", "ETH": "Ð", "eth": "ð", "THORN": "Þ", "thorn": "þ",
            "AElig": "Æ", "aelig": "æ", "OElig": "Œ", "oelig": "œ", "Scaron": "Š", "scaron": "š", "Yuml": "Ÿ", "fnof": "ƒ",
        ]
        // Letters with accents: &eacute; &Ouml; …
        let accents: [(String, [(Character, UInt32)])] = [
            ("grave", [("A", 0xC0), ("E", 0xC8), ("I", 0xCC), ("O", 0xD2), ("U", 0xD9), ("a", 0xE0), ("e", 0xE8), ("i", 0xEC), ("o", 0xF2), ("u", 0xF9)]),
            ("acute", [("A", 0xC1), ("E", 0xC9), ("I", 0xCD), ("O", 0xD3), ("U", 0xDA), ("Y", 0xDD), ("a", 0xE1), ("e", 0xE9), ("i", 0xED), ("o", 0xF3), ("u", 0xFA), ("y", 0xFD)]),
            ("circ", [("A", 0xC2), ("E", 0xCA), ("I", 0xCE), ("O", 0xD4), ("U", 0xDB), ("a", 0xE2), ("e", 0xEA), ("i", 0xEE), ("o", 0xF4), ("u", 0xFB)]),
            ("tilde", [("A", 0xC3), ("N", 0xD1), ("O", 0xD5), ("a", 0xE3), ("n", 0xF1), ("o", 0xF5)]),
            ("uml", [("A", 0xC4), ("E", 0xCB), ("I", 0xCF), ("O", 0xD6), ("U", 0xDC), ("a", 0xE4), ("e", 0xEB), ("i", 0xEF), ("o", 0xF6), ("u", 0xFC), ("y", 0xFF)]),
            ("ring", [("A", 0xC5), ("a", 0xE5)]),
            ("cedil", [("C", 0xC7), ("c", 0xE7)]),
            ("slash", [("O", 0xD8), ("o", 0xF8)]),
        ]
        for (suffix, letters) in accents {
            for (letter, code) in letters { table[String(letter) + suffix] = Unicode.Scalar(code) }
        }
        return table
    }()

    /// The entity at `scalars[start]` (a `&`): its character and the index after its `;`, or nil
    /// when it is no entity this knows (it then stays as written).
    public static func entity(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var i = start + 1
        let limit = min(scalars.count, start + 34)
        if i < limit, scalars[i] == "#" {
            i += 1
            var radix: UInt32 = 10
            if i < limit, scalars[i] == "x" || scalars[i] == "X" { radix = 16; i += 1 }
            var code: UInt32 = 0
            var digits = 0
            while i < limit, let digit = hexValue(scalars[i]), digit < radix {
                code = min(code * radix + digit, 0x11_0000)
                digits += 1
                i += 1
            }
            guard digits > 0, i < scalars.count, scalars[i] == ";" else { return nil }
            return (numericEntity(code), i + 1)
        }
        var name = ""
        while i < limit, scalars[i].isASCII, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) {
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard !name.isEmpty, i < scalars.count, scalars[i] == ";", let scalar = namedEntities[name] else { return nil }
        return (scalar, i + 1)
    }

    private static func hexValue(_ s: Unicode.Scalar) -> UInt32? {
        switch s {
        case "0"..."9": return s.value - 0x30
        case "a"..."f": return s.value - 0x61 + 10
        case "A"..."F": return s.value - 0x41 + 10
        default: return nil
        }
    }
}
