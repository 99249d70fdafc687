import CSystem
import EventLoop

/// Whole small files (configs) read with a size cap.
enum FileBytes {
    static func read(path: String, limit: Int) -> Result<[UInt8], SystemError> {
        let fd = csys_open_read(path)
        guard fd >= 0 else { return .failure(SystemError(code: -fd, operation: "open " + path)) }
        defer { _ = csys_close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { raw in csys_read(fd, raw.baseAddress, UInt(raw.count)) }
            if n < 0 { return .failure(SystemError(code: Int32(-n), operation: "read " + path)) }
            if n == 0 { return .success(out) }
            out.append(contentsOf: chunk[0..<Int(n)])
            if out.count > limit {
                return .failure(SystemError(code: 27, operation: "read " + path,
                                            message: path + " is larger than " + String(limit) + " bytes"))
            }
        }
    }
}
