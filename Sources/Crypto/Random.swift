import COpenSSL

/// Why a cap: a request for gigabytes is a bug, not a need; tokens and nonces are tens of bytes.
public let randomBytesLimit = 1 << 20

/// `count` bytes from OpenSSL's CSPRNG (`RAND_bytes`). Fails with `.randomUnavailable` when the
/// generator cannot be seeded (OpenSSL then returns 0 or -1) and never returns weak bytes.
public func randomBytes(count: Int) throws(CryptoError) -> [UInt8] {
    guard count >= 0, count <= randomBytesLimit else {
        throw .invalidArgument("randomBytes: count " + String(count) + " is outside 0..." + String(randomBytesLimit))
    }
    if count == 0 { return [] }
    var out = [UInt8](repeating: 0, count: count)
    let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
    guard rc == 1 else {
        throw .randomUnavailable(detail: lastOpenSSLError())
    }
    return out
}

/// A random token of `bytes` random bytes as lowercase hex (2 × `bytes` characters),
/// e.g. 16 bytes → 32 characters, 128 bits of entropy.
public func randomHexToken(bytes: Int) throws(CryptoError) -> String {
    hex(try randomBytes(count: bytes))
}

/// The oldest error on OpenSSL's thread error queue, as text, and the queue cleared.
func lastOpenSSLError() -> String {
    let code = ERR_get_error()
    ERR_clear_error()
    if code == 0 { return "no OpenSSL error recorded" }
    var buffer = [CChar](repeating: 0, count: 256)
    return buffer.withUnsafeMutableBufferPointer { b -> String in
        guard let base = b.baseAddress else { return "OpenSSL error" }
        ERR_error_string_n(code, base, b.count)
        return String(cString: base)
    }
}
