/// What HTTP needs from a transport, so plain TCP and TLS are interchangeable. Class-bound,
/// so `any ByteStream` is allowed in Embedded Swift.
///
/// The contract is `TCPConnection`'s: the close handler runs exactly once, from the loop,
/// never inside the caller's own call; handlers are released when it runs. Transports with
/// their own error type (TLS) map it to a `SystemError` whose `message` keeps the detail.
public protocol ByteStream: AnyObject {
    func setHandlers(onRead: @escaping ([UInt8]) -> Void, onClose: @escaping (SystemError?) -> Void)
    func write(_ bytes: [UInt8])
    func closeAfterFlush()
    func close()
    func pauseReading()
    func resumeReading()
    var bufferedOutputBytes: Int64 { get }
    var isClosed: Bool { get }
    /// The other end, for logs: `"127.0.0.1:8260"`.
    var peerDescription: String { get }
}

extension TCPConnection: ByteStream {
    /// Ignored once closed (the handlers would never run, and would keep what they capture).
    public func setHandlers(onRead: @escaping ([UInt8]) -> Void, onClose: @escaping (SystemError?) -> Void) {
        guard !isClosed else { return }
        self.onRead = onRead
        self.onClose = onClose
    }

    public var peerDescription: String { peer.description }
}
