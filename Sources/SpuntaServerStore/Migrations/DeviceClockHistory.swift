import SpuntaStore

/// The history of each device's clock offset, so that an op is judged by the measurements taken before and after
/// it was recorded, not by the one taken when it happened to be pushed.
///
/// One row per device and op number: `seq` is the number of the device's last op when it sent the request (every
/// op up to it was recorded before the measurement, every later one after). Requests that find the device at the
/// same number only move the row's last measurement, so a device long-polling all day adds rows only as it
/// records: the first measurement bounds the ops before it, the last one the ops after it.
enum DeviceClockHistory {
    static func apply(_ db: Database) throws {
        try db.execute("""
            CREATE TABLE device_clock (
                device_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                first_server_ms INTEGER NOT NULL,
                first_offset_ms INTEGER NOT NULL,
                last_server_ms INTEGER NOT NULL,
                last_offset_ms INTEGER NOT NULL,
                readings INTEGER NOT NULL,
                PRIMARY KEY (device_id, seq)
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
