import Foundation

// libFuzzer entry point: one CSV file of the exchange read and checked as an import does. The first byte
// chooses which kind the file is named after (sites.csv, classes.csv…); the rest is the file. Built by
// fuzz/run.sh into the SpuntaExchange module, with exchange-common.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExchangeCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let kinds = ExchangeReader.csvKinds
    let name = kinds[Int(data[0]) % kinds.count].prefix + ".csv"
    checkAsImport(name: name, bytes: Data(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    return 0
}
