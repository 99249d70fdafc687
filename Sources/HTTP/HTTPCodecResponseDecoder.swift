// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// Incremental HTTP/1.x response decoder for the client: status line, headers, and a body
/// framed by Content-Length, chunked, or the peer closing (finished by `finish()` at EOF).
/// Same calling convention as `HTTPRequestDecoder`. Interim 1xx responses (100 Continue) are
/// skipped; responses to HEAD and 204/304 have no body whatever their headers say.
public struct HTTPResponseDecoder {
    public let limits: HTTPLimits
    /// The method of the request being answered: a HEAD response has no body.
    public var requestMethod: String

    private enum State {
        case head(HTTPHeadScanner)
        case body(HTTPResponse, HTTPBodyReader)
        case failed(HTTPError)
        /// Held only while `step` works on a value moved out of `state` (see the request decoder).
        case moving
    }

    private var state: State
    /// Text of the line where decoding stopped, escaped and truncated, for an admin's log.
    public private(set) var failureExcerpt = ""

    public init(limits: HTTPLimits = .client, requestMethod: String = "GET") {
        self.limits = limits
        self.requestMethod = requestMethod
        self.state = .head(HTTPHeadScanner(kind: .response, limits: limits))
    }

    /// Whether no byte of a response has arrived.
    public var isIdle: Bool {
        if case .head(let scanner) = state { return scanner.isEmpty }
        return false
    }

    /// Whether the head is complete and the body is being read.
    public var isReadingBody: Bool {
        if case .body = state { return true }
        return false
    }

    public mutating func decode(_ bytes: [UInt8], from index: inout Int) throws(HTTPError) -> HTTPResponse? {
        do throws(HTTPError) {
            return try step(bytes, &index)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// End of input: completes a close-delimited body; nil when no byte of a response arrived;
    /// throws when a head or a framed body was cut short.
    public mutating func finish() throws(HTTPError) -> HTTPResponse? {
        switch state {
        case .failed(let error):
            throw error
        case .moving:
            return nil
        case .head(let scanner):
            if scanner.isEmpty { return nil }
            let error = HTTPError.truncatedHead(received: scanner.offset)
            state = .failed(error)
            throw error
        case .body(var response, let reader):
            do throws(HTTPError) {
                try reader.finish()
            } catch {
                state = .failed(error)
                throw error
            }
            response.body = reader.body
            response.quirks.formUnion(reader.quirks)
            state = .head(HTTPHeadScanner(kind: .response, limits: limits))
            return response
        }
    }

    private mutating func step(_ bytes: [UInt8], _ index: inout Int) throws(HTTPError) -> HTTPResponse? {
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
            guard case .status(let version, let code, let reason) = scanner.startLine else {
                throw .malformedStatusLine(offset: 0)
            }
            if code < 200 && code != 101 {
                // Interim response (100 Continue, 103 Early Hints): the final one follows.
                state = .head(HTTPHeadScanner(kind: .response, limits: limits))
                return try step(bytes, &index)
            }
            var quirks = scanner.quirks
            let framing = try HTTPFraming.read(scanner.headers, offsets: scanner.headerOffsets, version: version, quirks: &quirks)
            let response = HTTPResponse(status: code, reason: reason, headers: HTTPHeaders(scanner.headers),
                                        version: version, quirks: quirks)
            let bodyFraming: HTTPBodyReader.Framing
            if requestMethod == "HEAD" || !HTTPResponse.statusAllowsBody(code) {
                bodyFraming = .none
            } else if framing.chunked {
                bodyFraming = .chunked
            } else if let length = framing.contentLength {
                if length > limits.maxBodyBytes { throw .bodyTooLarge(declared: length, limit: limits.maxBodyBytes) }
                bodyFraming = length == 0 ? .none : .length(length)
            } else {
                bodyFraming = .untilClose
            }
            state = .body(response, HTTPBodyReader(framing: bodyFraming, limits: limits, offset: scanner.offset))
            return try step(bytes, &index)
        case .body(var response, var reader):
            state = .moving
            let done: Bool
            do throws(HTTPError) {
                done = try reader.consume(bytes, &index)
            } catch {
                failureExcerpt = HTTPBytes.escaped(reader.line)
                throw error
            }
            guard done else {
                state = .body(response, reader)
                return nil
            }
            response.body = reader.body
            response.quirks.formUnion(reader.quirks)
            state = .head(HTTPHeadScanner(kind: .response, limits: limits))
            return response
        }
    }
}
