// fuzz-modules:
// fuzz-with: Sources/Agent/Config.swift Sources/Agent/ConfigAddress.swift Sources/Agent/ConfigEffectiveText.swift Sources/Agent/ConfigError.swift Sources/Agent/ConfigParser.swift Sources/Agent/ConfigSyntax.swift Sources/Agent/ConfigValue.swift
//
// libFuzzer target for the config parser. The files above form one module with no imports
// (ConfigPasswordMD5.swift, the only Config file that imports Crypto, is left out), so:
//
//   Tests/Fuzz/run.sh FuzzConfig 60
//
// Beyond "never crash", each input checks: a rejected file yields errors on lines that exist,
// each with a message; an accepted file prints (`effectiveText`) to text that parses back to an
// equal config once the secret is in place, and its masked form is refused on the credential key.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = bytes.reduce(1) { $1 == 0x0a ? $0 + 1 : $0 }
    switch AgentConfig.parseCollectingErrors(bytes: bytes, file: "fuzz.conf", limits: .standard) {
    case .failure(let list):
        precondition(!list.errors.isEmpty && list.errors.count <= ConfigLimits.standard.maxErrors)
        for error in list.errors {
            precondition(error.line >= 0 && error.line <= lineCount, "error on a line that does not exist")
            precondition(!error.message.isEmpty && !error.description.isEmpty)
        }
    case .success(let config):
        let revealed = AgentConfig.parse(text: config.effectiveText(maskingSecrets: false), file: "effective.conf")
        guard case .success(let again) = revealed else { preconditionFailure("effectiveText does not parse back") }
        precondition(again == config, "effectiveText parses back to a different config")
        guard case .failure(let masked) = AgentConfig.parse(text: config.effectiveText(), file: "masked.conf") else {
            preconditionFailure("the masked effectiveText was accepted")
        }
        precondition(masked.key == "[pbx] " + config.pbx.credential.key)
    }
    return 0
}
