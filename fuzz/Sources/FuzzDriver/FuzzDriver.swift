#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

nonisolated(unsafe) private var target: (([UInt8]) -> Void)?

/// libFuzzer's archive refers to this symbol, so it must exist; it runs the same body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// Hands control to libFuzzer, calling `body` with each input. A crash or a failed
/// `precondition` in `body` is a finding. `flags` go before the command line's own
/// (which may override them).
public func runFuzzer(flags: [String] = [], _ body: @escaping ([UInt8]) -> Void) -> Never {
    target = body
    let args = [CommandLine.arguments[0]] + flags + CommandLine.arguments.dropFirst()
    // Kept for the life of the process: libFuzzer keeps pointers into argv.
    let argvStorage = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: args.count + 1)
    for (i, a) in args.enumerated() { argvStorage[i] = strdup(a) }
    argvStorage[args.count] = nil
    var argc = CInt(args.count)
    var argv = argvStorage
    let rc = LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
    exit(rc)
}
