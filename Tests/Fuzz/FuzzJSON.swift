// fuzz-modules: JSON
// libFuzzer entry for the JSON module: Tests/Fuzz/run.sh FuzzJSON SECONDS.
// Any input must give a value or a JSONError; a value must survive serialize → parse
// unchanged; every number's hand-written Double conversion must match the host's strtod.
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = JSONLimits(maxBytes: 1 << 16, maxDepth: 64, maxStringBytes: 4096,
                            maxContainerElements: 1000, maxTotalValues: 10_000)
    let value: JSONValue
    do {
        value = try JSON.parse(bytes, limits: limits)
    } catch {
        if error.message.isEmpty || error.offset < 0 { fatalError("bad error " + error.message) }
        return 0
    }
    let out = JSON.serialize(value)
    guard let again = try? JSON.parse(out), again == value, JSON.serialize(again) == out else {
        fatalError("round trip changed the value: " + String(decoding: out, as: UTF8.self))
    }
    checkNumbers(value)
    return 0
}

private func checkNumbers(_ v: JSONValue) {
    var work = [v]
    while let item = work.popLast() {
        switch item {
        case .number(let n):
            let mine = n.double
            let host = Double(n.text)
            if let h = host, h.isFinite {
                if mine?.bitPattern != h.bitPattern { fatalError("double mismatch for " + n.text) }
            } else if mine != nil {
                fatalError("expected nil double for " + n.text)
            }
            if let i = n.int64, String(i) != n.text, n.text != "-0" { fatalError("int64 mismatch for " + n.text) }
        case .array(let a): work.append(contentsOf: a)
        case .object(let o): work.append(contentsOf: o.members.map { $0.value })
        default: break
        }
    }
}
