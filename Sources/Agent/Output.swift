import CSystem

/// Plain text to stdout/stderr through write(2): Embedded Swift's `print` goes through stdio
/// buffers that an exit path may not flush.
public enum Output {
    public static func out(_ s: String) {
        var bytes = Array(s.utf8)
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { csys_write_stdout(base.assumingMemoryBound(to: CChar.self), UInt(raw.count)) }
        }
    }

    public static func err(_ s: String) {
        var bytes = Array(s.utf8)
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { csys_write_stderr(base.assumingMemoryBound(to: CChar.self), UInt(raw.count)) }
        }
    }
}
