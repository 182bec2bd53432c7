/// `POST /v1/push`: a batch of ops from the device's outbox, in sequence order.
public struct PushRequest: Codable, Sendable {
    public var ops: [Op]

    public init(ops: [Op]) {
        self.ops = ops
    }
}

/// One result per op of the batch, in the same order.
public struct PushResponse: Codable, Sendable {
    public var results: [PushResult]
    public var epoch: String
    public var serverTimeMs: Int64
    /// The device's clock as measured at this request (absent when the device did not send its time).
    public var deviceClock: DeviceClock?

    public init(results: [PushResult], epoch: String, serverTimeMs: Int64, deviceClock: DeviceClock? = nil) {
        self.results = results
        self.epoch = epoch
        self.serverTimeMs = serverTimeMs
        self.deviceClock = deviceClock
    }

    enum CodingKeys: String, CodingKey {
        case results, epoch, serverTimeMs = "server_time_ms", deviceClock = "device_clock"
    }
}

public struct PushResult: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        /// Received now and merged.
        case applied
        /// Already received before (a retried or replayed batch): nothing changed.
        case duplicate
        /// Refused for a reason the device must show; acknowledged so it never blocks the queue.
        case rejected
    }

    public var opId: String
    public var status: Status
    /// For a rejected op: a stable code and an Italian message.
    public var code: String?
    public var message: String?
    /// How the merge classified the op: a `MergeStatus` (applied, duplicate, superseded, voided, conflict, held). Kept a
    /// string on the wire so that a device reads an answer naming a status it does not know yet.
    public var outcome: String?

    public init(opId: String, status: Status, code: String? = nil, message: String? = nil, outcome: String? = nil) {
        self.opId = opId
        self.status = status
        self.code = code
        self.message = message
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey {
        case opId = "op_id", status, code, message, outcome
    }
}
