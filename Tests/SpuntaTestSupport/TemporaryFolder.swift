import Foundation

/// A folder under the system temporary directory, removed when released.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL

    public init(_ prefix: String = "spunta") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Folders a test process keeps for all its tests (templates copied by each test), removed when the process
/// exits so that a test run leaves nothing behind in the temporary directory.
public enum ProcessFolders {
    nonisolated(unsafe) private static var paths: [String] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    public static func removeAtExit(_ url: URL) {
        lock.withLock {
            paths.append(url.path)
            if !registered {
                registered = true
                atexit { ProcessFolders.removeAll() }
            }
        }
    }

    private static func removeAll() {
        for path in lock.withLock({ paths }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
