// swift-tools-version:6.0
// One module per boundary; dependencies point inward. Every module linked into `ucagent`
// compiles both as normal Swift (this file, `swift build`) and as Embedded Swift (the flags
// live in cross/toolset.sh, never here).
import PackageDescription

let package = Package(
    name: "ucagent",
    products: [.executable(name: "ucagent", targets: ["ucagent"])],
    targets: [
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(name: "CSystem"),
        // Pure values: no I/O, no clock of its own.
        .target(name: "JSON"),
        .target(name: "CallModel"),
        // Syscall and crypto edges.
        .target(name: "EventLoop", dependencies: ["CSystem"]),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "HTTP", dependencies: ["EventLoop", "CSystem", "COpenSSL"]),
        // The PBX boundary: session client and report normaliser.
        .target(name: "PBX", dependencies: ["JSON", "CallModel", "HTTP", "EventLoop", "Crypto"]),
        .target(name: "Simulator", dependencies: ["JSON", "HTTP", "EventLoop", "Crypto", "CSystem"]),
        .target(name: "Agent", dependencies: ["JSON", "CallModel", "EventLoop", "HTTP", "Crypto", "PBX", "CSystem"]),
        .executableTarget(name: "ucagent", dependencies: ["Agent", "Simulator", "EventLoop", "CSystem"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "CallModelTests", dependencies: ["CallModel"]),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "CSystem"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "EventLoop"]),
        .testTarget(name: "PBXTests", dependencies: ["PBX", "JSON", "CallModel", "Crypto"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "JSON", "HTTP", "EventLoop"]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "PBX", "CallModel", "JSON"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ]
)
