import Crypto

// Kept apart from the other Config files so they import nothing and the libFuzzer target
// compiles them without Crypto and OpenSSL.
extension AgentConfig.PBXSection {
    /// What the PBX login sends as `password`: the lower-case hex MD5 of the API password, or
    /// `password_md5` as given (already lower-cased by the parser).
    public var passwordMD5: Secret {
        switch credential.form {
        case .password: return Secret(md5Hex(Array(credential.reveal().utf8)))
        case .md5Hex: return Secret(credential.reveal())
        }
    }
}
