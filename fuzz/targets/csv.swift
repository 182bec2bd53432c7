import Foundation
import SpuntaDomain

// libFuzzer entry point: one CSV file of the exchange read and checked as an import does. The first byte
// chooses which kind the file is named after (sites.csv, classes.csv…); the rest is the file. Built by
// fuzz/run.sh into the SpuntaExchange module.

// A small Comune (three children a class): the cross-record checks run on every input, so their cost sets the pace.
private let sampleComune: MasterDataSet = {
    var options = SampleComuneGenerator.Options()
    options.classSize = 3
    return SampleComuneGenerator.generate(options: options)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExchangeCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let kinds = ExchangeReader.csvKinds
    let name = kinds[Int(data[0]) % kinds.count].prefix + ".csv"
    let bytes = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let document = ExchangeReader.read(files: [(name: name, data: bytes)])
    let final = MasterDataValidator.finalState(current: sampleComune, document: document)
    _ = MasterDataValidator.validate(final, document: document)
    return 0
}
