// Pure codec file: imports nothing but the standard library (compiled alone by the fuzzers).

/// Reads one body after its head: a fixed length, chunked, or until the peer closes
/// (responses only). Data is copied in bulk; chunk framing lines are read per byte so the
/// result never depends on how the input was split.
struct HTTPBodyReader {
    enum Framing: Equatable {
        case none
        case length(Int64)
        case chunked
        case untilClose
    }

    private enum ChunkState {
        case sizeLine
        case data(remaining: Int64)
        case dataEnd(sawCR: Bool)
        case trailer
        case done
    }

    /// A chunk-size line with extensions is a few bytes; 4 KiB bounds what a peer can make us
    /// hold without ever producing data.
    static let maxChunkLineBytes = 4096

    let framing: Framing
    let maxBodyBytes: Int64
    let maxTrailerBytes: Int
    /// Message offset of the next byte (continues from the head), for error positions.
    private(set) var offset: Int64
    private(set) var body: [UInt8] = []
    private(set) var quirks: HTTPQuirks = []
    private var chunkState = ChunkState.sizeLine
    private(set) var line: [UInt8] = []
    private var lineStart: Int64
    private var trailerBytes = 0

    init(framing: Framing, limits: HTTPLimits, offset: Int64) {
        self.framing = framing
        self.maxBodyBytes = limits.maxBodyBytes
        self.maxTrailerBytes = limits.maxHeaderBytes
        self.offset = offset
        self.lineStart = offset
        if case .length(let n) = framing, n > 0, n <= limits.maxBodyBytes {
            body.reserveCapacity(Int(n))
        }
    }

    var bodyCount: Int64 { Int64(body.count) }

    /// Consumes body bytes; true when the body is complete. Never consumes bytes past it.
    mutating func consume(_ input: [UInt8], _ index: inout Int) throws(HTTPError) -> Bool {
        switch framing {
        case .none:
            return true
        case .length(let total):
            let wanted = total - bodyCount
            let available = Int64(input.count - index)
            let n = Int(min(wanted, available))
            if n > 0 {
                body.append(contentsOf: input[index..<(index + n)])
                index += n
                offset += Int64(n)
            }
            return bodyCount == total
        case .untilClose:
            let available = input.count - index
            if bodyCount + Int64(available) > maxBodyBytes {
                throw .bodyTooLarge(declared: nil, limit: maxBodyBytes)
            }
            body.append(contentsOf: input[index...])
            offset += Int64(available)
            index = input.count
            return false
        case .chunked:
            return try consumeChunked(input, &index)
        }
    }

    /// At end of input: only a close-delimited body ends here.
    func finish() throws(HTTPError) {
        switch framing {
        case .none:
            return
        case .untilClose:
            return
        case .length(let total):
            if bodyCount < total { throw .truncatedBody(expected: total, received: bodyCount) }
        case .chunked:
            if case .done = chunkState { return }
            throw .truncatedBody(expected: nil, received: bodyCount)
        }
    }

    private mutating func consumeChunked(_ input: [UInt8], _ index: inout Int) throws(HTTPError) -> Bool {
        while index < input.count {
            switch chunkState {
            case .done:
                return true
            case .data(let remaining):
                let n = Int(min(remaining, Int64(input.count - index)))
                body.append(contentsOf: input[index..<(index + n)])
                index += n
                offset += Int64(n)
                chunkState = remaining == Int64(n) ? .dataEnd(sawCR: false) : .data(remaining: remaining - Int64(n))
            case .dataEnd(let sawCR):
                let b = input[index]
                if b == HTTPBytes.cr && !sawCR {
                    chunkState = .dataEnd(sawCR: true)
                } else if b == HTTPBytes.lf {
                    if !sawCR { quirks.insert(.bareLF) }
                    chunkState = .sizeLine
                    lineStart = offset + 1
                } else {
                    throw .invalidChunk(offset: offset)
                }
                index += 1
                offset += 1
            case .sizeLine, .trailer:
                let b = input[index]
                index += 1
                offset += 1
                if b == HTTPBytes.lf {
                    try completeLine()
                    line.removeAll(keepingCapacity: true)
                    lineStart = offset
                    if case .done = chunkState { return true }
                    continue
                }
                line.append(b)
                if case .trailer = chunkState {
                    trailerBytes += 1
                    if trailerBytes > maxTrailerBytes { throw .headerTooLarge(limit: maxTrailerBytes) }
                } else if line.count > HTTPBodyReader.maxChunkLineBytes {
                    throw .invalidChunk(offset: offset - 1)
                }
            }
        }
        if case .done = chunkState { return true }
        return false
    }

    private mutating func completeLine() throws(HTTPError) {
        if line.last == HTTPBytes.cr {
            line.removeLast()
        } else {
            quirks.insert(.bareLF)
        }
        if case .trailer = chunkState {
            if line.isEmpty {
                chunkState = .done
                return
            }
            // Trailer fields are validated like headers, then dropped: nothing here uses them.
            _ = try HTTPHeadScanner.parseHeaderLine(line, at: lineStart, quirks: &quirks)
            return
        }
        let size = try parseChunkSize()
        if size == 0 {
            chunkState = .trailer
            return
        }
        if bodyCount + size > maxBodyBytes { throw .bodyTooLarge(declared: nil, limit: maxBodyBytes) }
        chunkState = .data(remaining: size)
    }

    /// `1*HEXDIG [ BWS ";" chunk-ext ]`. Extensions are checked for control characters and
    /// ignored. At most 15 hex digits, so the size fits `Int64` with room to add.
    private func parseChunkSize() throws(HTTPError) -> Int64 {
        var size: Int64 = 0
        var i = 0
        while i < line.count, let digit = HTTPBytes.hexValue(line[i]) {
            if i == 15 { throw .invalidChunk(offset: lineStart + Int64(i)) }
            size = size << 4 | Int64(digit)
            i += 1
        }
        if i == 0 { throw .invalidChunk(offset: lineStart) }
        var j = i
        while j < line.count && (line[j] == HTTPBytes.space || line[j] == HTTPBytes.tab) { j += 1 }
        if j == line.count {
            if j != i { throw .invalidChunk(offset: lineStart + Int64(i)) }
            return size
        }
        guard line[j] == UInt8(ascii: ";") else { throw .invalidChunk(offset: lineStart + Int64(j)) }
        for k in (j + 1)..<line.count where !HTTPBytes.isFieldValueChar(line[k]) {
            throw .invalidChunk(offset: lineStart + Int64(k))
        }
        return size
    }
}
