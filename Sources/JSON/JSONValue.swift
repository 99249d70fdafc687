/// One JSON value as RFC 8259 defines it. Objects keep their members in wire order with
/// duplicate names (legacy Yeastar reports repeat `ext`); numbers keep their exact text.
/// Equality is structural: member order, duplicates and number spelling all count, so
/// `1.0` and `1` are different values.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An integer number value.
    public static func int(_ v: Int64) -> JSONValue { .number(JSONNumber(v)) }
}

extension JSONValue {
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var number: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an exact `Int64`; nil for non-numbers, fractions, exponents and
    /// out-of-range values. Strings are not converted: that leniency belongs to the caller.
    public var int64: Int64? { number?.int64 }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The first member named `key` when this is an object; nil otherwise.
    public subscript(key: String) -> JSONValue? { object?[key] }

    /// A short name of the value's type for error messages ("string", "array", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text of the value.
    public var description: String { JSON.serializeString(self) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Members in source order; a repeated key is kept, as on the wire.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject()
        for (k, v) in elements { o.append(k, v) }
        self = .object(o)
    }
}
