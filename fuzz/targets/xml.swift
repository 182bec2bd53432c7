import Foundation

// libFuzzer entry point: an exchange file (tracciato XML) read and checked as an import does. Built by
// fuzz/run.sh into the SpuntaExchange module, with exchange-common.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExchangeXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    checkAsImport(name: "comune.xml", bytes: Data(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
