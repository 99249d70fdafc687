import CSystem
import Crypto
import JSON

/// Reports the agent could not use, kept so nothing the PBX sent is lost: one JSON line per
/// report (`{"at":…,"peer":…,"reason":…,"body":…}`) appended to a file whose size is bounded.
/// Flash wears and fills, so when the file passes `maxBytes` it is moved to `<path>.1`
/// (replacing the previous generation) and a new one is started: at most twice `maxBytes` on disk.
public struct DeadLetterFile {
    public let path: String
    public let maxBytes: Int64
    /// Bytes of one body kept; a larger body is cut and marked, its length recorded.
    public let maxBodyBytes: Int
    public private(set) var written: Int64 = 0
    public private(set) var failures: Int64 = 0
    public private(set) var lastError: String?

    public init(path: String, maxBytes: Int64, maxBodyBytes: Int = 64 * 1024) {
        self.path = path
        self.maxBytes = maxBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Appends one record; returns false (and remembers why) when the disk refused it.
    @discardableResult
    public mutating func append(atISO: String, peer: String, reason: String, body: [UInt8]) -> Bool {
        var record = JSONObject()
        record.append("at", .string(atISO))
        record.append("peer", .string(peer))
        record.append("reason", .string(reason))
        record.append("length", .int(Int64(body.count)))
        let kept = body.count > maxBodyBytes ? Array(body[0..<maxBodyBytes]) : body
        if kept.count < body.count { record.append("truncated", .bool(true)) }
        // Bodies are usually JSON text and are kept as a string; bytes that are not UTF-8 are
        // kept as hex, so nothing is lost to a replacement character.
        if let text = String(validating: kept, as: UTF8.self) {
            record.append("body", .string(text))
        } else {
            record.append("body_hex", .string(hex(kept)))
        }
        var line = JSON.serialize(.object(record))
        line.append(UInt8(ascii: "\n"))
        rotateIfNeeded(adding: Int64(line.count))
        let fd = csys_open_append(path, 0o640)
        guard fd >= 0 else { return fail("open " + path + ": " + String(cString: csys_strerror(fd))) }
        defer { _ = csys_close(fd) }
        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { raw in csys_write(fd, raw.baseAddress, UInt(raw.count)) }
            guard n > 0 else { return fail("write " + path + ": " + String(cString: csys_strerror(Int32(n)))) }
            offset += Int(n)
        }
        written += 1
        return true
    }

    private mutating func rotateIfNeeded(adding: Int64) {
        let size = csys_file_size(path)
        if size >= 0 && size + adding > maxBytes {
            _ = csys_rename(path, path + ".1")
        }
    }

    private mutating func fail(_ message: String) -> Bool {
        failures += 1
        lastError = message
        return false
    }
}
