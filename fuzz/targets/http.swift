// libFuzzer entry point: the HTTP request decoder over arbitrary bytes. Built by fuzz/run.sh into the
// SpuntaHTTP module, so it calls the decoder exactly as the server does.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Small limits too, so the fuzzer reaches the limit checks with short inputs.
    for limits in [HTTPDecoder.Limits(), HTTPDecoder.Limits(maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 16)] {
        var offset = 0
        // Keep-alive: decode request after request as HTTPConnection does.
        while offset < bytes.count {
            switch HTTPDecoder.decode(Array(bytes[offset...]), limits: limits, remoteAddress: "fuzz") {
            case .needMore, .failure:
                offset = bytes.count
            case .request(let request, let consumed):
                precondition(consumed > 0 && consumed <= bytes.count - offset, "consumed \(consumed) of \(bytes.count - offset)")
                _ = (request.path, request.query, request.keepAlive)
                offset += consumed
            }
        }
    }
    return 0
}
