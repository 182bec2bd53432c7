// swift-tools-version: 6.0
// Spunta: offline-first attendance, meals and school bus for Italian municipal school services.
// Foundation, Dispatch, Glibc and the system libsqlite3 only: no third-party package.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Spunta",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "spunta", targets: ["spunta"]),
        .executable(name: "spunta-server", targets: ["spunta-server"]),
        .executable(name: "spunta-bench", targets: ["spunta-bench"]),
    ],
    targets: [
        // The C API of the system SQLite (Debian: libsqlite3-dev). Only SpuntaStore imports it, and the benchmark's
        // raw-SQLite baseline.
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Connection, statements, transactions, migrations, typed errors.
        .target(name: "SpuntaStore", dependencies: ["CSQLite"], swiftSettings: strict),
        // Entities, validation (codice fiscale, card payload, money, pagoPA codes). Pure Swift, no I/O.
        .target(name: "SpuntaDomain", swiftSettings: strict),
        // SHA-256 and secure random tokens.
        .target(name: "SpuntaCrypto", swiftSettings: strict),
        // The QR code encoder (ISO/IEC 18004): pagoPA notices and children's cards. Depends on nothing of ours.
        .target(name: "SpuntaQR", swiftSettings: strict),
        // The one markup escaper for every HTML, SVG and XML writer, the HTML fragment type, QR codes drawn as SVG.
        .target(name: "SpuntaMarkup", dependencies: ["SpuntaQR"], swiftSettings: strict),
        // Command-line parsing, terminal control, tables.
        .target(name: "SpuntaCLI", dependencies: ["SpuntaDomain"], swiftSettings: strict),
        // Linux event notification (epoll, eventfd, inotify) for the HTTP server and the client's sync: headers only.
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        // HTTP/1.1 server and client on POSIX sockets.
        .target(name: "SpuntaHTTP", dependencies: ["CSystem"], swiftSettings: strict),
        // Wire types of spunta-sync/1, hybrid logical clock, version negotiation.
        .target(name: "SpuntaProtocol", dependencies: ["SpuntaDomain"], swiftSettings: strict),
        // The exchange file (tracciato XML and CSV): parsing, writing, the sample Comune generator.
        .target(name: "SpuntaExchange", dependencies: ["SpuntaDomain", "SpuntaMarkup"], swiftSettings: strict),
        // The server database: schema migrations, master data import and queries.
        .target(
            name: "SpuntaServerStore",
            dependencies: ["SpuntaStore", "SpuntaDomain", "SpuntaExchange"],
            swiftSettings: strict
        ),
        // Sync rules: devices and scope, push and merge, pull, conflicts, audit. No HTTP here.
        .target(
            name: "SpuntaSync",
            dependencies: ["SpuntaServerStore", "SpuntaProtocol", "SpuntaCrypto"],
            swiftSettings: strict
        ),
        // The sync server: group commit, long poll, metrics, the endpoints as functions, HTTP routes, the admin page.
        .target(
            name: "SpuntaServer",
            dependencies: ["SpuntaSync", "SpuntaServerStore", "SpuntaProtocol", "SpuntaHTTP", "SpuntaStore", "SpuntaWeb"],
            swiftSettings: strict
        ),
        // The web parts: the admin pages as functions from data to HTML (escaped by SpuntaMarkup), the stylesheet.
        .target(name: "SpuntaWeb", dependencies: ["SpuntaSync", "SpuntaDomain", "SpuntaMarkup"], swiftSettings: strict),
        // Billing feed: tariffs, consumptions, statements, pagoPA notices, prepaid credit, payments, tax statement.
        // It queues messages in the outbox; it neither sends them nor knows the sync rules.
        .target(
            name: "SpuntaBilling",
            dependencies: ["SpuntaServerStore", "SpuntaDomain", "SpuntaProtocol", "SpuntaStore", "SpuntaExchange", "SpuntaQR", "SpuntaMarkup"],
            swiftSettings: strict
        ),
        // The sender of the one outbox of messages (posta in uscita): e-mail and SMS through the Comune's commands or
        // SMS gateway, whatever module queued them.
        .target(
            name: "SpuntaDelivery",
            dependencies: ["SpuntaServerStore", "SpuntaStore", "SpuntaHTTP", "SpuntaDomain"],
            swiftSettings: strict
        ),

        // The children's QR cards: sheets to print, a lost card replaced, the cards of each child.
        .target(
            name: "SpuntaCards",
            dependencies: ["SpuntaServerStore", "SpuntaExchange", "SpuntaStore", "SpuntaDomain", "SpuntaQR", "SpuntaMarkup"],
            swiftSettings: strict
        ),

        // The field client: local replica, outbox, scanning, roll call, sync engine.
        .target(
            name: "SpuntaClient",
            dependencies: ["SpuntaStore", "SpuntaProtocol", "SpuntaDomain", "SpuntaHTTP", "SpuntaCLI", "SpuntaCrypto", "CSystem"],
            swiftSettings: strict
        ),

        // The whole day end to end, with the real programs: what `spunta-server demo` tells.
        .target(
            name: "SpuntaDemo",
            dependencies: ["SpuntaBilling", "SpuntaServerStore", "SpuntaExchange", "SpuntaProtocol", "SpuntaDomain", "SpuntaStore", "SpuntaCLI"],
            swiftSettings: strict
        ),

        // The benchmark's scenarios, each against raw SQLite doing the same writes (through the C API: the baseline is
        // SQLite with nothing of Spunta in between).
        .target(
            name: "SpuntaBench",
            dependencies: [
                "SpuntaClient", "SpuntaServer", "SpuntaSync", "SpuntaBilling", "SpuntaServerStore", "SpuntaExchange", "SpuntaDemo",
                "SpuntaHTTP", "SpuntaCLI", "SpuntaStore", "CSQLite",
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "spunta",
            dependencies: ["SpuntaClient", "SpuntaCLI", "SpuntaDomain"],
            swiftSettings: strict
        ),
        // Depends on the `spunta` executable only so that the demo's devices, run as real programs, are built with it.
        .executableTarget(
            name: "spunta-server",
            dependencies: [
                "SpuntaServer", "SpuntaServerStore", "SpuntaExchange", "SpuntaSync", "SpuntaBilling", "SpuntaDelivery", "SpuntaCards",
                "SpuntaDemo", "SpuntaCLI", "spunta",
            ],
            swiftSettings: strict
        ),

        // Helpers shared by the tests: child processes of the package's programs, temporary folders, the sample database.
        .target(
            name: "SpuntaTestSupport",
            dependencies: ["SpuntaExchange", "SpuntaServerStore", "SpuntaStore"],
            path: "Tests/SpuntaTestSupport",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "spunta-bench",
            dependencies: ["SpuntaBench", "SpuntaCLI", "spunta", "spunta-server"],
            swiftSettings: strict
        ),

        .testTarget(name: "SpuntaStoreTests", dependencies: ["SpuntaStore"], swiftSettings: strict),
        .testTarget(name: "SpuntaDomainTests", dependencies: ["SpuntaDomain"], swiftSettings: strict),
        .testTarget(name: "SpuntaCryptoTests", dependencies: ["SpuntaCrypto"], swiftSettings: strict),
        .testTarget(name: "SpuntaCLITests", dependencies: ["SpuntaCLI", "SpuntaDomain", "SpuntaTestSupport"], swiftSettings: strict),
        .testTarget(name: "SpuntaHTTPTests", dependencies: ["SpuntaHTTP", "SpuntaDomain"], swiftSettings: strict),
        .testTarget(name: "SpuntaProtocolTests", dependencies: ["SpuntaProtocol"], swiftSettings: strict),
        .testTarget(name: "SpuntaExchangeTests", dependencies: ["SpuntaExchange"], swiftSettings: strict),
        .testTarget(name: "SpuntaSyncTests", dependencies: ["SpuntaSync", "SpuntaExchange", "SpuntaBilling", "SpuntaTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SpuntaServerTests",
            dependencies: ["SpuntaServer", "SpuntaSync", "SpuntaBilling", "SpuntaHTTP", "SpuntaExchange", "SpuntaTestSupport", "spunta-server"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SpuntaClientTests",
            dependencies: [
                "SpuntaClient", "SpuntaServer", "SpuntaSync", "SpuntaBilling", "SpuntaExchange", "SpuntaHTTP", "SpuntaTestSupport", "spunta", "spunta-server",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SpuntaBillingTests", dependencies: ["SpuntaBilling", "SpuntaCLI", "SpuntaDelivery", "SpuntaSync", "SpuntaExchange", "SpuntaQR", "SpuntaTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "SpuntaQRTests", dependencies: ["SpuntaQR", "SpuntaMarkup", "SpuntaTestSupport"], swiftSettings: strict),
        .testTarget(name: "SpuntaMarkupTests", dependencies: ["SpuntaMarkup"], swiftSettings: strict),
        .testTarget(name: "SpuntaCardsTests", dependencies: ["SpuntaCards", "SpuntaDomain", "SpuntaMarkup", "SpuntaTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SpuntaServerStoreTests",
            dependencies: ["SpuntaServerStore", "SpuntaExchange", "spunta-server"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
