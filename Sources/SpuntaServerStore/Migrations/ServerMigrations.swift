import SpuntaStore

/// The server database's schema steps, in release order. A released step is never edited.
public enum ServerMigrations {
    public static var migrator: Migrator {
        var m = Migrator()
        m.registerMigration("v1-master-data", V1MasterData.apply)
        m.registerMigration("v2-sync", V2Sync.apply)
        m.registerMigration("v3-billing", V3Billing.apply)
        m.registerMigration("v4-device-clock-history", DeviceClockHistory.apply)
        m.registerMigration("v5-payment-excess", PaymentExcess.apply)
        m.registerMigration("v6-outbox-dropped", OutboxDropped.apply)
        m.registerMigration("v7-op-scope-checks", OpScopeChecks.apply)
        return m
    }
}
