import COpenSSL

// Digests go through OpenSSL's EVP API. OpenSSL can refuse (an MD5 disabled by a FIPS
// provider, an allocation failure); then the portable implementations in SoftwareDigest.swift
// give the same bytes, so these functions cannot fail and never return a wrong or empty hash.

/// Lowercase hex MD5 of `bytes`: what the PBX login wants as `password` (md5 of the API password).
public func md5Hex(_ bytes: [UInt8]) -> String { hex(md5(bytes)) }

/// MD5 of `bytes`, 16 bytes. Only for the PBX's login scheme; never for anything new.
public func md5(_ bytes: [UInt8]) -> [UInt8] {
    if let digest = evpDigest(bytes, EVP_md5(), size: 16) { return digest }
    return SoftwareDigest.md5(bytes)
}

/// SHA-256 of `bytes`, 32 bytes.
public func sha256(_ bytes: [UInt8]) -> [UInt8] {
    if let digest = evpDigest(bytes, EVP_sha256(), size: 32) { return digest }
    return SoftwareDigest.sha256(bytes)
}

/// HMAC-SHA-256 (RFC 2104) of `data` under `key`, 32 bytes. Keys of any length.
public func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
    if let mac = opensslHMACSHA256(key: key, data: data) { return mac }
    return SoftwareDigest.hmacSHA256(key: key, data: data)
}

/// Lowercase hex of `bytes`, two digits per byte.
public func hex(_ bytes: [UInt8]) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// `true` when `a` and `b` hold the same bytes. For equal lengths the time taken does not depend
/// on where they differ (`CRYPTO_memcmp`); a length difference returns at once (lengths are
/// not secret for tokens and MACs of fixed size).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    if a.count != b.count { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0 }
    }
}

/// One-shot EVP digest; nil when OpenSSL refuses or answers with an unexpected size.
func evpDigest(_ bytes: [UInt8], _ md: OpaquePointer?, size: Int) -> [UInt8]? {
    guard let md else { return nil }
    var out = [UInt8](repeating: 0, count: 64)   // EVP_MAX_MD_SIZE
    var outLength: UInt32 = 0
    let ok = bytes.withUnsafeBytes { input in
        out.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &outLength, md, nil)
        }
    }
    guard ok == 1, Int(outLength) == size else { return nil }
    return Array(out[0..<size])
}

/// `HMAC()` one-shot (not deprecated in OpenSSL 3). nil when OpenSSL refuses.
func opensslHMACSHA256(key: [UInt8], data: [UInt8]) -> [UInt8]? {
    guard let md = EVP_sha256(), key.count <= Int(Int32.max) else { return nil }
    // An empty key must still be a non-NULL pointer: OpenSSL 3 reads NULL as "no key set".
    let keyBytes: [UInt8] = key.isEmpty ? [0] : key
    var out = [UInt8](repeating: 0, count: 64)
    var outLength: UInt32 = 0
    let result = keyBytes.withUnsafeBytes { k in
        data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                HMAC(md, k.baseAddress, Int32(key.count), d.baseAddress, d.count, o.baseAddress, &outLength)
            }
        }
    }
    guard result != nil, outLength == 32 else { return nil }
    return Array(out[0..<32])
}
