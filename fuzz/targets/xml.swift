import Foundation
import SpuntaDomain

// libFuzzer entry point: an exchange file (tracciato XML) read and checked as an import does — the XML
// tree, the records, the checks across records against the sample Comune. Built by fuzz/run.sh into the
// SpuntaExchange module.

// A small Comune (three children a class): the cross-record checks run on every input, so their cost sets the pace.
private let sampleComune: MasterDataSet = {
    var options = SampleComuneGenerator.Options()
    options.classSize = 3
    return SampleComuneGenerator.generate(options: options)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExchangeXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let document = ExchangeReader.read(files: [(name: "comune.xml", data: bytes)])
    let final = MasterDataValidator.finalState(current: sampleComune, document: document)
    _ = MasterDataValidator.validate(final, document: document)
    return 0
}
