/// A secret string (the PBX API password or its MD5, tokens, keys). It never prints:
/// `description` and `debugDescription` are `***`, so interpolating a `Secret` into a log line
/// or an error cannot leak it. Read it only where it is sent, through `reveal()`.
public struct Secret: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret text. Call it at the one place the secret leaves the process.
    public func reveal() -> String { value }

    /// The secret's UTF-8 bytes, e.g. as an HMAC key.
    public func revealBytes() -> [UInt8] { Array(value.utf8) }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "***" }
    public var debugDescription: String { "***" }

    /// Compares in constant time for equal lengths (`CRYPTO_memcmp`), so comparing a presented
    /// token with the expected one does not leak how many leading bytes matched.
    public static func == (a: Secret, b: Secret) -> Bool {
        constantTimeEqual(Array(a.value.utf8), Array(b.value.utf8))
    }
}
