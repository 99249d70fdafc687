import COpenSSL
import EventLoop

/// The shared client side of TLS: one `SSL_CTX` with peer verification on, TLS 1.2 as the
/// minimum, and the trusted CAs loaded once. Make one per set of trust settings (usually one
/// per process) and pass it to every `TLSConnection`.
///
/// Trust: `caFile` (a PEM bundle; the appliance has no usable system store, so the admin
/// ships one) or, when nil, OpenSSL's default locations (`SSL_CERT_FILE`/`SSL_CERT_DIR`, then
/// the compiled-in `OPENSSLDIR`, which a static binary may not find on the appliance).
/// Certificate verification cannot be turned off.
public final class TLSClientContext {
    let ctx: OpaquePointer
    public let caFile: String?

    public init(caFile: String? = nil) throws(TLSError) {
        ctx = try TLSClientContext.makeContext(caFile: caFile)
        self.caFile = caFile
    }

    private static func makeContext(caFile: String?) throws(TLSError) -> OpaquePointer {
        ERR_clear_error()
        guard let method = TLS_client_method() else {
            throw .setup(step: "TLS_client_method", detail: TLSError.drainOpenSSLErrors())
        }
        guard let c = SSL_CTX_new(method) else {
            throw .setup(step: "SSL_CTX_new", detail: TLSError.drainOpenSSLErrors())
        }
        var failure: TLSError?
        if copenssl_ctx_set_min_tls12(c) != 1 {
            failure = .setup(step: "SSL_CTX_set_min_proto_version(TLS 1.2)", detail: TLSError.drainOpenSSLErrors())
        } else if let file = caFile {
            if SSL_CTX_load_verify_locations(c, file, nil) != 1 {
                failure = .setup(step: "loading CA file " + file, detail: TLSError.drainOpenSSLErrors())
            }
        } else if SSL_CTX_set_default_verify_paths(c) != 1 {
            failure = .setup(step: "SSL_CTX_set_default_verify_paths", detail: TLSError.drainOpenSSLErrors())
        }
        if let f = failure {
            SSL_CTX_free(c)
            throw f
        }
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nil)
        // SSL_write returns per record, and a write retried after WANT_READ (a TLS 1.2
        // renegotiation) may come from a different buffer holding the same bytes first.
        _ = copenssl_ctx_set_mode(c, Int(SSL_MODE_ENABLE_PARTIAL_WRITE) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        return c
    }

    deinit {
        SSL_CTX_free(ctx)
    }

    /// The OpenSSL library version, e.g. `"OpenSSL 3.0.22 25 Aug 2026"`.
    public static var openSSLVersion: String {
        guard let p = OpenSSL_version(numericCast(OPENSSL_VERSION)) else { return "unknown" }
        return String(cString: p)
    }
}
