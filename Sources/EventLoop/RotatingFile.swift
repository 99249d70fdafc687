import CSystem

/// An append-only file whose size is bounded, because appliance flash wears and fills: the
/// `[log] file` sink and the dead-letter file. When the next record would take the file past
/// `maxBytes`, it is renamed to `<path>.1` (replacing the previous generation) and a new file is
/// started: at most twice `maxBytes` on disk. A class, so every copy of a `Logger` shares one
/// file and one size.
///
/// Writing never fails the caller: an error is counted and remembered (`failures`,
/// `lastError`), the descriptor is closed, and the next record tries to open the file again (the
/// disk may come back, or an admin may fix the directory). Sizes are `Int64`.
public final class RotatingFile {
    public let path: String
    public let maxBytes: Int64
    private var fd: Int32 = -1
    /// Bytes in the current file, as this process knows them.
    public private(set) var size: Int64 = 0
    public private(set) var rotations: Int64 = 0
    public private(set) var failures: Int64 = 0
    public private(set) var lastError: String?

    public init(path: String, maxBytes: Int64) {
        self.path = path
        self.maxBytes = maxBytes
    }

    deinit { close() }

    /// Opens (creating) the file for appending; nil, or what went wrong for the admin.
    @discardableResult
    public func open() -> String? {
        if fd >= 0 { return nil }
        let r = csys_open_append(path, 0o640)
        guard r >= 0 else { return fail(r, "open " + path) }
        fd = r
        let existing = csys_file_size(path)
        size = existing >= 0 ? existing : 0
        return nil
    }

    public func close() {
        if fd >= 0 { _ = csys_close(fd) }
        fd = -1
    }

    /// Appends one log line (a newline is added). A line longer than the whole budget is cut.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        let room = maxBytes - 1
        if Int64(bytes.count) > room { bytes.removeLast(bytes.count - Int(room)) }
        bytes.append(10)
        append(bytes)
    }

    /// Appends `bytes` whole, rotating first when they would take the file past the bound;
    /// false (counted, `lastError` says why) when the disk refused them.
    @discardableResult
    public func append(_ bytes: [UInt8]) -> Bool {
        if fd < 0, open() != nil { return false }
        if size > 0 && size + Int64(bytes.count) > maxBytes { rotate() }
        if fd < 0 { return false }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw in csys_write(fd, raw.baseAddress, UInt(raw.count)) }
            guard n > 0 else {
                _ = fail(Int32(truncatingIfNeeded: n), "write " + path)
                close()
                return false
            }
            offset += Int(n)
            size += Int64(n)
        }
        return true
    }

    private func rotate() {
        close()
        let r = csys_rename(path, path + ".1")
        if r < 0 { _ = fail(r, "rename " + path + " to .1") }
        rotations += 1
        _ = open()
        // A rename that failed leaves the old file: start it over rather than grow past the bound.
        if r < 0 && fd >= 0 && size > 0 {
            close()
            let t = csys_open_trunc(path, 0o640)
            if t >= 0 { fd = t; size = 0 } else { _ = fail(t, "truncate " + path) }
        }
    }

    private func fail(_ code: Int32, _ operation: String) -> String {
        let message = SystemError(code: code, operation: operation).message
        failures += 1
        lastError = message
        return message
    }
}
