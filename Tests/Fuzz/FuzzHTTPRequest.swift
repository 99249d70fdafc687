// fuzz-modules: HTTP
// fuzz-sources: HTTP Sources/HTTP/HTTPCodec*.swift
// libFuzzer entry for HTTPRequestDecoder, built by Tests/Fuzz/run.sh against only the pure codec
// files of HTTP (they import nothing but the standard library, so no EventLoop or OpenSSL).
// Properties checked, trapping so libFuzzer reports the input:
// - decoding never crashes and ends in requests or an HTTPError;
// - the outcome is the same fed all at once and fed in pieces (cut points from the input);
// - a decoded request re-encodes into bytes that decode to the same method and body.
//   Tests/Fuzz/run.sh FuzzHTTPRequest 60

import HTTP

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

/// A first byte >= 0x80 picks one of these heads to put before the rest, so bodies, chunked
/// framing and pipelining are reached quickly from the PBX-payload seed corpus.
private let heads: [[UInt8]] = [
    "POST  HTTP/1.1\nHost:172.16.6.150\nContent-Length:", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /", "POST /r HTTP/1.0\r\nContent-Length: 3\r\n",
].map { Array($0.utf8) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = Array(UnsafeBufferPointer(start: data, count: size))
    if let first = input.first, first >= 0x80 { input = heads[Int(first) % heads.count] + input.dropFirst() }
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
