// fuzz-modules: JSON CallModel PBX
// fuzz-sources: PBX Sources/PBX/ReportNormaliser.swift Sources/PBX/ReportRejection.swift Sources/PBX/WireSniff.swift Sources/PBX/PBXReply.swift Sources/PBX/PBXWireError.swift Sources/PBX/PBXErrno.swift Sources/PBX/PBXQueryDecoding.swift Sources/PBX/PBXRequestBodies.swift
// libFuzzer entry for the PBX wire layer: Tests/Fuzz/run.sh FuzzReportNormaliser SECONDS.
// Only the wire files of PBX are compiled (the session and API client import HTTP).
// Every body must give a Report or a ReportRejection, deterministically, with the digest of
// the body; the reply envelope and every endpoint decoder must not crash on it either.
import JSON
import CallModel
import PBX

private let normaliser = ReportNormaliser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let outcome = normaliser.normalise(body: body)
    if normaliser.normalise(body: body) != outcome { fatalError("normaliser is not deterministic") }
    switch outcome {
    case .report(let r):
        if r.digest != fnv1a64(body) { fatalError("digest is not FNV-1a of the body") }
        if r.extensions.count > normaliser.limits.maxExtensions { fatalError("extension limit ignored") }
    case .rejected(let why):
        if why.message.isEmpty || why.code.isEmpty { fatalError("rejection without message") }
    }
    switch decodeReply(body: body) {
    case .success(.success(let o)):
        _ = decodeLoginToken(o)
        _ = decodeInboundQuery(o)
        _ = decodeOutboundQuery(o)
        _ = decodeExtensionList(o)
        _ = decodeDeviceInfo(o)
    case .success(.failed(let errno)):
        let e = PBXErrno(code: errno)
        if e.message.isEmpty || e.code != errno { fatalError("errno does not round-trip: " + errno) }
    case .failure(let e):
        if e.message.isEmpty { fatalError("wire error without message") }
    }
    return 0
}
