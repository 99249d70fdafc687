import Foundation

/// The captured PBX payloads live beside the repository: `<repo>/../shared/reference/pbx-payloads`
/// (a git worktree may sit deeper, so walk up from this file until one ancestor has it).
/// `UCAGENT_PAYLOADS` overrides the search.
enum PayloadDirectory {
    static func find(from file: String = #filePath) -> URL? {
        if let env = ProcessInfo.processInfo.environment["UCAGENT_PAYLOADS"] {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/reference/pbx-payloads", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Every payload file (README excluded), sorted by name, as (name, bytes).
    static func all() throws -> [(String, [UInt8])] {
        guard let dir = find() else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0 != "README.md" }.sorted()
        return try names.map { ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0)))) }
    }
}
