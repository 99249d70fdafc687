// fuzz-sources: Sources/HTTP/HTTPCodec*.swift
// libFuzzer entry for HTTPResponseDecoder, compiled in one module with the pure codec files
// (no imports needed). Properties checked, trapping so libFuzzer reports the input:
// - decoding never crashes and ends in responses or an HTTPError (close-delimited bodies
//   complete at the end of input, as at EOF);
// - the outcome is the same fed all at once, in pieces, and byte by byte;
// - a decoded response re-encodes into bytes that decode to the same status and body.
//   swiftc -sanitize=fuzzer -parse-as-library Sources/HTTP/HTTPCodec*.swift Tests/Fuzz/FuzzHTTPResponse.swift

private struct FuzzResponseOutcome: Equatable {
    var responses: [HTTPResponse] = []
    var error: HTTPError?
}

private func decodeResponses(_ input: [UInt8], pieces: Int, method: String, limits: HTTPLimits) -> FuzzResponseOutcome {
    var decoder = HTTPResponseDecoder(limits: limits, requestMethod: method)
    var outcome = FuzzResponseOutcome()
    var buffer: [UInt8] = []
    var start = 0
    let step = max(1, input.count / max(1, pieces))
    while start < input.count {
        let end = min(input.count, start + step)
        buffer.append(contentsOf: input[start..<end])
        start = end
        var index = 0
        do throws(HTTPError) {
            while let response = try decoder.decode(buffer, from: &index) { outcome.responses.append(response) }
        } catch {
            outcome.error = error
            return outcome
        }
        buffer.removeFirst(index)
    }
    do throws(HTTPError) {
        if let response = try decoder.finish() { outcome.responses.append(response) }
    } catch {
        outcome.error = error
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPLimits(maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 1024)
    let method = (input.last ?? 0) % 5 == 0 ? "HEAD" : "POST"
    let whole = decodeResponses(input, pieces: 1, method: method, limits: limits)
    let pieces = input.isEmpty ? 1 : Int(input[0] % 16) + 2
    if whole != decodeResponses(input, pieces: pieces, method: method, limits: limits) {
        fatalError("response decoding depends on how the input is split")
    }
    if whole != decodeResponses(input, pieces: input.count, method: method, limits: limits) {
        fatalError("response decoding differs byte by byte")
    }
    for response in whole.responses where method != "HEAD" {
        let again = decodeResponses(response.encoded(keepAlive: false), pieces: 1, method: "POST", limits: HTTPLimits())
        let expectedBody = HTTPResponse.statusAllowsBody(response.status) ? response.body : []
        guard again.error == nil, let first = again.responses.first, first.status == response.status, first.body == expectedBody else {
            fatalError("a decoded response does not survive re-encoding")
        }
    }
    if let error = whole.error, error.message.isEmpty { fatalError("error without message") }
    return 0
}
