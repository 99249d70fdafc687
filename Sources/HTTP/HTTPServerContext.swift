import EventLoop

/// The handler's side of one request: who asked, and the one answer it must give.
public final class HTTPServerContext {
    public let peer: SocketAddress
    /// The local address the request arrived on.
    public let local: SocketAddress
    public private(set) var hasResponded = false
    /// The connection closed (peer gone, timeout, server closed) before `respond`.
    public private(set) var isCancelled = false
    /// Called once if the connection closes before `respond`: drop any wait for this request.
    public var onCancel: (() -> Void)?

    private var connection: HTTPServerConnection?

    init(connection: HTTPServerConnection) {
        self.connection = connection
        self.peer = connection.tcp.peer
        self.local = connection.tcp.local
    }

    /// Sends the response, now or later, exactly once; later calls and calls after the
    /// connection closed are ignored.
    public func respond(_ response: HTTPResponse) {
        guard !hasResponded else { return }
        hasResponded = true
        onCancel = nil
        let c = connection
        connection = nil
        c?.respond(response, for: self)
    }

    func cancel() {
        guard !hasResponded, !isCancelled else { return }
        isCancelled = true
        connection = nil
        let cb = onCancel
        onCancel = nil
        cb?()
    }
}
