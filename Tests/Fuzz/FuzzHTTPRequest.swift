// fuzz-sources: Sources/HTTP/HTTPCodec*.swift
// libFuzzer entry for HTTPRequestDecoder, compiled in one module with the pure codec files
// (no imports needed). Properties checked, trapping so libFuzzer reports the input:
// - decoding never crashes and ends in requests or an HTTPError;
// - the outcome is the same fed all at once and fed in pieces (cut points from the input);
// - a decoded request re-encodes into bytes that decode to the same method and body.
//   swiftc -sanitize=fuzzer -parse-as-library Sources/HTTP/HTTPCodec*.swift Tests/Fuzz/FuzzHTTPRequest.swift

private struct FuzzRequestOutcome: Equatable {
    var requests: [HTTPRequest] = []
    var error: HTTPError?
}

private func decodeRequests(_ input: [UInt8], pieces: Int, limits: HTTPLimits) -> FuzzRequestOutcome {
    var decoder = HTTPRequestDecoder(limits: limits)
    var outcome = FuzzRequestOutcome()
    var buffer: [UInt8] = []
    var start = 0
    let step = max(1, input.count / max(1, pieces))
    while start < input.count {
        let end = min(input.count, start + step)
        buffer.append(contentsOf: input[start..<end])
        start = end
        var index = 0
        do throws(HTTPError) {
            while let request = try decoder.decode(buffer, from: &index) { outcome.requests.append(request) }
        } catch {
            outcome.error = error
            return outcome
        }
        buffer.removeFirst(index)
    }
    do throws(HTTPError) {
        if let request = try decoder.finish() { outcome.requests.append(request) }
    } catch {
        outcome.error = error
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    // Small limits so the fuzzer reaches every limit with short inputs.
    let limits = HTTPLimits(maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 1024, maxRequestLineBytes: 256)
    let whole = decodeRequests(input, pieces: 1, limits: limits)
    let pieces = input.isEmpty ? 1 : Int(input[0] % 16) + 2
    let split = decodeRequests(input, pieces: pieces, limits: limits)
    if whole != split { fatalError("request decoding depends on how the input is split") }
    let bytewise = decodeRequests(input, pieces: input.count, limits: limits)
    if whole != bytewise { fatalError("request decoding differs byte by byte") }
    for request in whole.requests {
        let again = decodeRequests(request.encoded(host: "fuzz"), pieces: 1, limits: HTTPLimits())
        guard again.error == nil, let first = again.requests.first, first.method == request.method, first.body == request.body else {
            fatalError("a decoded request does not survive re-encoding")
        }
    }
    if let error = whole.error, error.message.isEmpty || error.statusCode < 400 { fatalError("error without message or status") }
    return 0
}
