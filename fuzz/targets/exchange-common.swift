import Foundation
import SpuntaDomain

// Shared by the xml and csv fuzz targets: one exchange file read and checked as an import does — the
// records, decoded against a small sample Comune as the database (so that fields an input leaves out keep
// the sample's values), then the checks across records (three children a class: the cross-record checks run
// on every input, so their cost sets the pace).

private let sampleComune: MasterDataSet = {
    var options = SampleComuneGenerator.Options()
    options.classSize = 3
    return SampleComuneGenerator.generate(options: options)
}()

func checkAsImport(name: String, bytes: Data) {
    let document = ExchangeReader.read(files: [(name: name, data: bytes)], current: sampleComune)
    let final = MasterDataValidator.finalState(current: sampleComune, document: document)
    _ = MasterDataValidator.validate(final, document: document)
}
