import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium (Debian's `chromium`) driven by the DevTools protocol over the pipe it opens on file
/// descriptors 3 and 4 (`--remote-debugging-pipe`): no port, no WebSocket, nothing shared with other tests. Each
/// instance has its own profile folder; the browser runs in its own process group and is closed, or killed with
/// its helpers, when released.
///
/// `@unchecked Sendable`: it owns the browser's process and the descriptors of its pipes; the reader thread and the
/// callers share `responses`, `events` and `ended` (DevTools messages, which are not `Sendable`) only under
/// `condition`'s lock.
public final class Chromium: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case cannotStart(String)
        case browserGone(String)
        case protocolError(String)
        case noAnswer(String)

        public var description: String {
            switch self {
            case .notInstalled: return "chromium is not installed (apt-get install chromium)"
            case .cannotStart(let why): return "chromium did not start: \(why)"
            case .browserGone(let log): return "chromium went away: \(log)"
            case .protocolError(let message): return "DevTools protocol error: \(message)"
            case .noAnswer(let what): return "no answer from chromium to \(what)"
            }
        }
    }

    /// Debian's chromium, or another Chromium found on the PATH; nil when there is none.
    public static var executable: String? {
        let names = ["chromium", "chromium-browser", "google-chrome"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// How long one command may take before the test fails (a bound, not a measure).
    public static let answerTimeout: TimeInterval = 90

    public let profile: URL
    private let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private let condition = NSCondition()
    private var nextID = 0
    private var responses: [Int: [String: Any]] = [:]
    private var events: [[String: Any]] = []
    private var ended = false
    private var closed = false

    public init(profile: URL) throws {
        guard let executable = Self.executable else { throw Failure.notInstalled }
        self.profile = profile
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        // Pipe ends moved above descriptor 10 and closed on exec; only their copies on 3 and 4 reach the browser.
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw Failure.cannotStart("pipe: \(errno)") }
            let read = fcntl(fds[0], F_DUPFD_CLOEXEC, 10), write = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
            Glibc.close(fds[0])
            Glibc.close(fds[1])
            return (read, write)
        }
        let commands = try pipePair(), answers = try pipePair()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, commands.read, 3)
        posix_spawn_file_actions_adddup2(&actions, answers.write, 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, profile.appendingPathComponent("chromium.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
            "--user-data-dir=\(profile.path)", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--mute-audio", "--lang=it-IT", "about:blank",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        Glibc.close(commands.read)
        Glibc.close(answers.write)
        guard status == 0 else {
            Glibc.close(commands.write)
            Glibc.close(answers.read)
            throw Failure.cannotStart("posix_spawn: \(status)")
        }
        pid = child
        toBrowser = commands.write
        fromBrowser = answers.read
        let reader = Thread { [self] in self.readLoop() }
        reader.name = "chromium-reader"
        reader.start()
    }

    deinit {
        close()
        Glibc.close(toBrowser)
        Glibc.close(fromBrowser)
    }

    /// Closes the browser (Browser.close), then makes sure it and its helper processes are gone.
    public func close() {
        let already = condition.withLock { () -> Bool in
            defer { closed = true }
            return closed
        }
        guard !already else { return }
        _ = try? call("Browser.close", timeout: 15)
        // A thread waits for the browser's exit; past the grace period it is killed, which ends that wait too.
        let exited = DispatchSemaphore(value: 0)
        let browser = pid
        Thread {
            var status: Int32 = 0
            while waitpid(browser, &status, 0) < 0 && errno == EINTR {}
            exited.signal()
        }.start()
        if exited.wait(timeout: .now() + 15) == .timedOut {
            kill(-pid, SIGKILL)
            exited.wait()
        }
        // Helpers (renderer, zygote) share the group: none is left behind.
        kill(-pid, SIGKILL)
    }

    private func readLoop() {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fromBrowser, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.append(contentsOf: chunk[0..<count])
            while let end = buffer.firstIndex(of: 0) {
                let message = Data(buffer[0..<end])
                buffer.removeSubrange(0...end)
                guard let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any] else { continue }
                condition.withLock {
                    if let id = object["id"] as? Int {
                        responses[id] = object
                    } else {
                        events.append(object)
                    }
                    condition.broadcast()
                }
            }
        }
        condition.withLock {
            ended = true
            condition.broadcast()
        }
    }

    var log: String {
        (try? String(contentsOf: profile.appendingPathComponent("chromium.log"), encoding: .utf8))?.suffix(2_000).description ?? ""
    }

    /// Sends one command and waits for its answer; returns its `result`.
    @discardableResult
    public func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = answerTimeout) throws -> [String: Any] {
        let id = condition.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure.browserGone(log) }
            written += n
        }
        let deadline = Date().addingTimeInterval(timeout)
        let answer: [String: Any]? = condition.withLock {
            while responses[id] == nil && !ended && Date() < deadline { _ = condition.wait(until: deadline) }
            return responses.removeValue(forKey: id)
        }
        guard let answer else {
            throw ended ? Failure.browserGone(log) : Failure.noAnswer(method)
        }
        if let error = answer["error"] as? [String: Any] { throw Failure.protocolError("\(method): \(error["message"] ?? error)") }
        return answer["result"] as? [String: Any] ?? [:]
    }

    /// The number of events received so far: wait for an event after this mark.
    var eventMark: Int { condition.withLock { events.count } }

    /// Waits for an event of `method` (in `session`) received after `mark`.
    func waitForEvent(_ method: String, session: String, after mark: Int) throws {
        let deadline = Date().addingTimeInterval(Self.answerTimeout)
        let found: Bool = condition.withLock {
            while true {
                if events[mark...].contains(where: { $0["method"] as? String == method && $0["sessionId"] as? String == session }) { return true }
                if ended || Date() >= deadline { return false }
                _ = condition.wait(until: deadline)
            }
        }
        guard found else { throw ended ? Failure.browserGone(log) : Failure.noAnswer(method) }
    }

    /// A new tab.
    public func newPage() throws -> Page {
        let target = try call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw Failure.protocolError("no targetId") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Failure.protocolError("no sessionId") }
        let page = Page(browser: self, session: session)
        try page.call("Page.enable")
        return page
    }

    /// One tab: navigation, script evaluation, keyboard, viewport and screenshots.
    public final class Page: Sendable {
        let browser: Chromium
        public let session: String

        init(browser: Chromium, session: String) {
            self.browser = browser
            self.session = session
        }

        @discardableResult
        func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
            try browser.call(method, params, session: session)
        }

        /// Loads `url` and waits for its load event (after any redirects).
        public func navigate(_ url: String) throws {
            let mark = browser.eventMark
            try call("Page.navigate", ["url": url])
            try browser.waitForEvent("Page.loadEventFired", session: session, after: mark)
        }

        /// The value of a JavaScript expression (JSON-like values only); a thrown exception fails.
        public func evaluate(_ expression: String) throws -> Any? {
            let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
            if let exception = result["exceptionDetails"] as? [String: Any] {
                throw Failure.protocolError("\(expression): \(exception["text"] ?? exception)")
            }
            return (result["result"] as? [String: Any])?["value"]
        }

        public func string(_ expression: String) throws -> String { try evaluate(expression) as? String ?? "" }

        public func number(_ expression: String) throws -> Int { (try evaluate(expression) as? NSNumber)?.intValue ?? -1 }

        public enum Key: Sendable {
            case tab, shiftTab, enter

            var fields: (key: String, code: Int, text: String?, modifiers: Int) {
                switch self {
                case .tab: return ("Tab", 9, nil, 0)
                case .shiftTab: return ("Tab", 9, nil, 8)
                case .enter: return ("Enter", 13, "\r", 0)
                }
            }
        }

        /// Presses and releases a key, as a person at the keyboard.
        public func press(_ key: Key) throws {
            let f = key.fields
            var down: [String: Any] = ["type": f.text == nil ? "rawKeyDown" : "keyDown", "key": f.key, "code": f.key,
                                       "windowsVirtualKeyCode": f.code, "nativeVirtualKeyCode": f.code, "modifiers": f.modifiers]
            if let text = f.text { down["text"] = text }
            try call("Input.dispatchKeyEvent", down)
            try call("Input.dispatchKeyEvent", ["type": "keyUp", "key": f.key, "code": f.key, "windowsVirtualKeyCode": f.code,
                                                "nativeVirtualKeyCode": f.code, "modifiers": f.modifiers])
        }

        /// Presses a key that loads another page (a form sent with Enter) and waits for it.
        public func pressAndWaitForLoad(_ key: Key) throws {
            let mark = browser.eventMark
            try press(key)
            try browser.waitForEvent("Page.loadEventFired", session: session, after: mark)
        }

        /// Types text into the focused field.
        public func type(_ text: String) throws {
            try call("Input.insertText", ["text": text])
        }

        /// What has the keyboard focus: its id, else its name, else its text, with its tag.
        public func focused() throws -> String {
            try string("""
                (() => { const e = document.activeElement; if (!e || e === document.body) return 'BODY';
                  return e.tagName + ':' + (e.id || e.getAttribute('name') || e.textContent.trim()); })()
                """)
        }

        /// Lays the page out as on a screen `width` CSS pixels wide (a phone when `mobile`).
        public func setViewport(width: Int, height: Int, mobile: Bool) throws {
            try call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile])
        }

        /// A PNG of what the viewport shows, or of the whole page at the viewport's width.
        public func screenshot(fullPage: Bool = false) throws -> Data {
            var params: [String: Any] = ["format": "png"]
            if fullPage {
                let metrics = try call("Page.getLayoutMetrics")
                let size = metrics["cssContentSize"] as? [String: Any] ?? [:]
                let width = (try evaluate("window.innerWidth") as? NSNumber)?.doubleValue ?? 0
                let height = (size["height"] as? NSNumber)?.doubleValue ?? 0
                params["clip"] = ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]
                params["captureBeyondViewport"] = true
            }
            let result = try call("Page.captureScreenshot", params)
            guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
                throw Failure.protocolError("no screenshot data")
            }
            return data
        }
    }

    /// Width and height of a PNG, from its IHDR chunk; nil when the data is not a PNG.
    public static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[12..<16] == [0x49, 0x48, 0x44, 0x52]
        else { return nil }
        func int(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }
}
