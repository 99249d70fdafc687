/// One `"name": value` pair of an object.
public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue
    public init(key: String, value: JSONValue) { self.key = key; self.value = value }
}

/// A JSON object as an ordered list of members. Duplicate names are kept in wire order:
/// RFC 8259 only says names "SHOULD be unique", and legacy Yeastar firmware sends two `ext`
/// members in one report; a dictionary would silently lose a party.
public struct JSONObject: Equatable, Sendable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) { self.members = members }

    /// The value of the first member named `key`.
    public subscript(key: String) -> JSONValue? {
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// The values of every member named `key`, in wire order.
    public func all(_ key: String) -> [JSONValue] {
        var out: [JSONValue] = []
        for m in members where m.key == key { out.append(m.value) }
        return out
    }

    /// Adds a member at the end, even when `key` is already present.
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(JSONMember(key: key, value: value))
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    /// Member names in wire order, duplicates included.
    public var keys: [String] { members.map { $0.key } }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        for (k, v) in elements { append(k, v) }
    }
}
