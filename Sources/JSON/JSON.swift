/// Entry points of the JSON module: strict RFC 8259 parsing into `JSONValue` and compact writing.
///
/// Strict means: no comments, trailing commas, single quotes, NaN/Infinity, leading zeros or
/// '+'; whitespace is space, tab, CR and LF only; a UTF-8 byte order mark is rejected; strings
/// must be well-formed UTF-8 and `\u` surrogates must pair. Any value may be the top level.
public enum JSON {
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }

    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Compact JSON: no whitespace, object members in stored order, numbers as their text.
    public static func serialize(_ v: JSONValue) -> [UInt8] {
        var w = JSONWriter()
        w.write(v)
        return w.out
    }

    public static func serializeString(_ v: JSONValue) -> String {
        String(decoding: serialize(v), as: UTF8.self)
    }
}
