// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// Incremental HTTP/1.1 request decoder: bytes in, requests out, no sockets or clocks.
///
///     var decoder = HTTPRequestDecoder(limits: .pbxReports)
///     var index = 0
///     while let request = try decoder.decode(buffer, from: &index) { handle(request) }
///     buffer.removeFirst(index)   // everything before `index` has been taken
///
/// `decode` consumes what it needs from `bytes[index...]` and advances `index`; it returns nil
/// when it needs more bytes (it has then consumed them all, keeping partial state itself).
/// After a request it stops, leaving pipelined bytes unconsumed. The outcome never depends on
/// how the input was split. After an error every call throws the same error.
public struct HTTPRequestDecoder {
    public let limits: HTTPLimits

    private enum State {
        case head(HTTPHeadScanner)
        case body(HTTPRequestHead, HTTPBodyReader)
        case failed(HTTPError)
        /// Held only while `step` works on a value moved out of `state`, so the arrays inside
        /// have one owner and grow in place instead of being copied on every call.
        case moving
    }

    private var state: State
    /// Text of the line where decoding stopped, escaped and truncated, for an admin's log.
    public private(set) var failureExcerpt = ""

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
        self.state = .head(HTTPHeadScanner(kind: .request, limits: limits))
    }

    /// Whether no byte of a next request has arrived (the connection is idle, not mid-head).
    public var isIdle: Bool {
        if case .head(let scanner) = state { return scanner.isEmpty }
        return false
    }

    /// The head of a request whose body is still arriving (to answer `Expect: 100-continue`).
    public var headAwaitingBody: HTTPRequestHead? {
        if case .body(let head, _) = state { return head }
        return nil
    }

    /// Bytes of the current request consumed so far.
    public var messageBytes: Int64 {
        switch state {
        case .head(let scanner): return scanner.offset
        case .body(_, let reader): return reader.offset
        case .failed, .moving: return 0
        }
    }

    public mutating func decode(_ bytes: [UInt8], from index: inout Int) throws(HTTPError) -> HTTPRequest? {
        do throws(HTTPError) {
            return try step(bytes, &index)
        } catch {
            fail(error)
            throw error
        }
    }

    /// End of input. Returns nil at a clean end between requests; throws when a request was cut
    /// short. (A request body is never delimited by close, so this never completes a request.)
    public mutating func finish() throws(HTTPError) -> HTTPRequest? {
        switch state {
        case .failed(let error):
            throw error
        case .moving:
            return nil
        case .head(let scanner):
            if !scanner.started { return nil }
            fail(.truncatedHead(received: scanner.offset))
        case .body(_, let reader):
            do throws(HTTPError) {
                try reader.finish()
            } catch {
                fail(error)
            }
        }
        if case .failed(let error) = state { throw error }
        return nil
    }

    private mutating func step(_ bytes: [UInt8], _ index: inout Int) throws(HTTPError) -> HTTPRequest? {
        switch state {
        case .failed(let error):
            throw error
        case .moving:
            return nil
        case .head(var scanner):
            state = .moving
            let done: Bool
            do throws(HTTPError) {
                done = try scanner.consume(bytes, &index)
            } catch {
                failureExcerpt = HTTPBytes.escaped(scanner.line)
                throw error
            }
            guard done else {
                state = .head(scanner)
                return nil
            }
            var quirks = scanner.quirks
            guard case .request(let method, let target, let version) = scanner.startLine else {
                throw .malformedRequestLine(offset: 0)
            }
            try HTTPFraming.checkHost(scanner.headers, offsets: scanner.headerOffsets, version: version, quirks: &quirks)
            let framing = try HTTPFraming.read(scanner.headers, offsets: scanner.headerOffsets, version: version, quirks: &quirks)
            let head = HTTPRequestHead(method: method, target: target, version: version,
                                       headers: HTTPHeaders(scanner.headers), quirks: quirks)
            let bodyFraming: HTTPBodyReader.Framing
            if framing.chunked {
                bodyFraming = .chunked
            } else if let length = framing.contentLength, length > 0 {
                if length > limits.maxBodyBytes { throw .bodyTooLarge(declared: length, limit: limits.maxBodyBytes) }
                bodyFraming = .length(length)
            } else {
                bodyFraming = .none
            }
            state = .body(head, HTTPBodyReader(framing: bodyFraming, limits: limits, offset: scanner.offset))
            return try step(bytes, &index)
        case .body(var head, var reader):
            state = .moving
            let done: Bool
            do throws(HTTPError) {
                done = try reader.consume(bytes, &index)
            } catch {
                failureExcerpt = HTTPBytes.escaped(reader.line)
                throw error
            }
            guard done else {
                state = .body(head, reader)
                return nil
            }
            head.quirks.formUnion(reader.quirks)
            state = .head(HTTPHeadScanner(kind: .request, limits: limits))
            return HTTPRequest(head: head, body: reader.body)
        }
    }

    private mutating func fail(_ error: HTTPError) {
        state = .failed(error)
    }
}
