import Foundation
import SpuntaProtocol
import SpuntaStore

/// Scarto degli orologi dei dispositivi: how far each device's clock is from the server's, as the monitoring reads it.
///
/// Every reader of a device's clock offset (the device table, the health state, the clock alert, `/metrics`)
/// goes through `current`, so that how the offset is measured can change in one place. Today it is the offset
/// measured at the device's last request (`device.clock_offset_ms`, kept by `ClockHistory.record`).
public enum ClockOffsets {
    /// Device clock minus server clock, in milliseconds, by device id; devices never measured are absent.
    public static func current(_ db: Database) throws -> [String: Int64] {
        var offsets: [String: Int64] = [:]
        for row in try db.fetchAll("SELECT id, clock_offset_ms FROM device WHERE clock_offset_ms IS NOT NULL") {
            offsets[try row[0] as String] = try row[1] as Int64
        }
        return offsets
    }

    /// Whether an offset is beyond the tolerance the device and the merge use (`DeviceClock.toleranceMs`).
    public static func isWrong(_ offsetMs: Int64?) -> Bool {
        offsetMs.map { !DeviceClock.isWithinTolerance($0) } ?? false
    }
}
