import Crypto
import EventLoop
import JSON

/// Reports the agent could not use, kept so nothing the PBX sent is lost: one JSON line per
/// report (`{"at":…,"peer":…,"reason":…,"body":…}`) appended to a size-bounded `RotatingFile`
/// (flash wears and fills: past `maxBytes` it moves to `<path>.1`, at most twice `maxBytes` on disk).
public struct DeadLetterFile {
    private let file: RotatingFile
    public var path: String { file.path }
    public var maxBytes: Int64 { file.maxBytes }
    /// Bytes of one body kept; a larger body is cut and marked, its length recorded.
    public let maxBodyBytes: Int
    public private(set) var written: Int64 = 0
    public var failures: Int64 { file.failures }
    public var lastError: String? { file.lastError }

    public init(path: String, maxBytes: Int64, maxBodyBytes: Int = 64 * 1024) {
        self.file = RotatingFile(path: path, maxBytes: maxBytes)
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
        guard file.append(line) else { return false }
        written += 1
        return true
    }
}
