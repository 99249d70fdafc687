/// Compact JSON writer: no whitespace, members in stored order (duplicates included),
/// numbers from their exact text. Escapes only what RFC 8259 requires: `"`, `\` and control
/// characters below 0x20; other UTF-8 is written as is.
struct JSONWriter {
    var out: [UInt8] = []

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func write(_ root: JSONValue) {
        // Iterative, like the parser: depth costs heap, not stack.
        enum Work { case value(JSONValue), member(JSONMember, first: Bool), element(JSONValue, first: Bool), byte(UInt8) }
        var work: [Work] = [.value(root)]
        while let item = work.popLast() {
            switch item {
            case .byte(let b):
                out.append(b)
            case .member(let m, let first):
                if !first { out.append(UInt8(ascii: ",")) }
                writeString(m.key)
                out.append(UInt8(ascii: ":"))
                work.append(.value(m.value))
            case .element(let v, let first):
                if !first { out.append(UInt8(ascii: ",")) }
                work.append(.value(v))
            case .value(let v):
                switch v {
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .number(let n): out.append(contentsOf: n.text.utf8)
                case .string(let s): writeString(s)
                case .array(let elements):
                    out.append(UInt8(ascii: "["))
                    work.append(.byte(UInt8(ascii: "]")))
                    for (i, e) in elements.enumerated().reversed() { work.append(.element(e, first: i == 0)) }
                case .object(let o):
                    out.append(UInt8(ascii: "{"))
                    work.append(.byte(UInt8(ascii: "}")))
                    for (i, m) in o.members.enumerated().reversed() { work.append(.member(m, first: i == 0)) }
                }
            }
        }
    }

    mutating func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(b)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(b)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(JSONWriter.hexDigits[Int(b >> 4)])
                out.append(JSONWriter.hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
