// The field client: replica, outbox, scanning, roll call, sync.
