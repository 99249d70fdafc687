/// Bounds on what one `JSON.parse` call accepts. Every input path checks a size and a count;
/// a document over a limit is rejected with the precise `JSONError`, never truncated.
public struct JSONLimits: Sendable {
    /// Whole document. PBX report bodies are a few hundred bytes and the largest API reply
    /// (an extension list of a 500-extension UC501) is well under 100 KiB; 1 MiB leaves room
    /// and still bounds memory on a 128 MiB appliance.
    public var maxBytes: Int
    /// Nesting of arrays and objects. PBX payloads nest 3 deep (`call[].ext.extid[]`); 64
    /// bounds the parser's explicit stack without rejecting any sane document.
    public var maxDepth: Int
    /// Decoded UTF-8 bytes of one string or member name. Ids, names and CDR fields are short;
    /// 64 KiB keeps one value from taking the whole document budget.
    public var maxStringBytes: Int
    /// Elements of one array or members of one object. An extension list tops out at a few
    /// hundred entries; 10 000 stops quadratic surprises in callers that scan members.
    public var maxContainerElements: Int
    /// Values in the whole document, containers included. A 1 MiB body of `[0,0,...]` would
    /// otherwise be 500 000 values (tens of MiB as `JSONValue`s); 100 000 caps that blow-up.
    public var maxTotalValues: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, maxStringBytes: Int = 64 << 10,
                maxContainerElements: Int = 10_000, maxTotalValues: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxContainerElements = maxContainerElements
        self.maxTotalValues = maxTotalValues
    }

    public static let `default` = JSONLimits()
}
