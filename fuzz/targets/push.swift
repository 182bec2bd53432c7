// libFuzzer entry point: the push body reader over arbitrary bytes, against JSONDecoder. Built by fuzz/run.sh into
// the SpuntaProtocol module. The reader may decline anything (the server then decodes with JSONDecoder), but what
// it reads must be what JSONDecoder reads: a difference stops the run.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPushRequestReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    guard let read = PushRequestReader.read(body) else { return 0 }
    let decoded = try? WireCoding.decode(PushRequest.self, from: body)
    precondition(decoded?.ops == read.map(\.op), "the reader read ops JSONDecoder reads otherwise, or refuses")
    for (op, json) in read {
        precondition((try? WireCoding.decode(Op.self, from: Data(json.utf8))) == op, "the JSON kept for \(op.id) is not that op")
    }
    return 0
}
