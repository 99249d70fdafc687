/// Everything in `Crypto` that can fail: the kernel's random source through OpenSSL, bad
/// arguments, and strict base64 decoding. Digests and HMAC cannot fail (see `Digest.swift`).
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `RAND_bytes` refused: the OpenSSL DRBG could not be seeded (very old kernel without
    /// `getrandom`, no `/dev/urandom` in a chroot). `detail` is OpenSSL's error queue text.
    case randomUnavailable(detail: String)
    /// A caller asked for something out of range, e.g. a negative or huge byte count.
    case invalidArgument(String)
    /// Base64 input rejected at byte `offset` of the input.
    case invalidBase64(offset: Int, reason: String)

    /// One sentence for an admin or a log line.
    public var message: String {
        switch self {
        case .randomUnavailable(let detail):
            return "no random bytes from OpenSSL (RAND_bytes failed: " + detail
                + "); check that the kernel offers getrandom or /dev/urandom"
        case .invalidArgument(let what):
            return what
        case .invalidBase64(let offset, let reason):
            return "invalid base64 at offset " + String(offset) + ": " + reason
        }
    }

    public var description: String { message }
}
