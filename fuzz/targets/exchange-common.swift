import Foundation
import SpuntaDomain

// Shared by the xml and csv fuzz targets: one exchange file read and checked as an import does — the
// records, then the checks across records against a small sample Comune (three children a class: the
// cross-record checks run on every input, so their cost sets the pace).

private let sampleComune: MasterDataSet = {
    var options = SampleComuneGenerator.Options()
    options.classSize = 3
    return SampleComuneGenerator.generate(options: options)
}()

func checkAsImport(name: String, bytes: Data) {
    let document = ExchangeReader.read(files: [(name: name, data: bytes)])
    let final = MasterDataValidator.finalState(current: sampleComune, document: document)
    _ = MasterDataValidator.validate(final, document: document)
}
