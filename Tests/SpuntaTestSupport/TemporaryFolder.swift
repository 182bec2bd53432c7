import Foundation
import Synchronization

/// A folder under the system temporary directory, removed when released.
public final class TemporaryFolder: Sendable {
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
    /// The folders to remove; empty until the first is registered, when the exit handler is installed.
    private static let paths = Mutex<[String]>([])

    public static func removeAtExit(_ url: URL) {
        paths.withLock { paths in
            if paths.isEmpty { atexit { ProcessFolders.removeAll() } }
            paths.append(url.path)
        }
    }

    private static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
