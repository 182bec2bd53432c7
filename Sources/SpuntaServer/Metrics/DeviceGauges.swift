import Foundation
import SpuntaSync

/// The per-device part of `/metrics`, read from the database at each scrape: how long since each device was
/// heard, what waits on it, its clock offset and whether it is healthy; the open conflicts; how many devices
/// need a look. Labels name the device by id, name and role, so that an alert rule can say which handheld.
enum DeviceGauges {
    static func render(devices: [AdminQueries.DeviceStatus], openConflicts: Int) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ value: (AdminQueries.DeviceStatus) -> Double?) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for device in devices where !device.revoked && device.enrolledAt != nil {
                guard let v = value(device) else { continue }
                let labels = Metrics.render(["device": device.id, "name": device.name, "role": device.role])
                out += "\(name){\(labels)} \(Metrics.number(v))\n"
            }
        }
        family("spunta_device_seconds_since_seen", "Seconds since the device was last heard from.") { $0.secondsSinceSeen.map(Double.init) }
        family("spunta_device_backlog_ops", "Ops waiting on the device, as it last reported them.") { $0.backlog.map { Double($0.pendingOps) } }
        family("spunta_device_backlog_oldest_seconds", "Age of the oldest op waiting on the device (0 when none waits).") { device in
            device.backlog.map { Double($0.oldestPendingAgeSeconds ?? 0) }
        }
        family("spunta_device_clock_offset_seconds", "Device clock minus server clock.") { $0.clockOffsetMs.map { Double($0) / 1000 } }
        family("spunta_device_unhealthy", "1 when the device is silent or needs a look (spunta-server devices).") { $0.state.isUnhealthy ? 1 : 0 }
        out += "# HELP spunta_devices_unhealthy Devices silent or needing a look.\n# TYPE spunta_devices_unhealthy gauge\n"
        out += "spunta_devices_unhealthy \(devices.filter { $0.state.isUnhealthy }.count)\n"
        out += "# HELP spunta_devices Devices by state.\n# TYPE spunta_devices gauge\n"
        for state in DeviceHealth.State.allCases {
            out += "spunta_devices{state=\"\(state.rawValue)\"} \(devices.filter { $0.state == state }.count)\n"
        }
        out += "# HELP spunta_conflicts_open Conflicts waiting for a person's decision.\n# TYPE spunta_conflicts_open gauge\n"
        out += "spunta_conflicts_open \(openConflicts)\n"
        return out
    }
}
