/// A command a message tells its reader to run next, kept as words rather than text: the library that writes the
/// message does not know which archive or device folder the user named (`--db`, `--home`), the command line that
/// prints it does, and only with those words in their place does the hint run as printed.
public struct CommandHint: Sendable, Hashable {
    /// The program the hint runs.
    public enum Program: String, Sendable, Hashable {
        case server = "spunta-server"
        case client = "spunta"
    }

    public let program: Program
    /// The words that select the subcommand (`["list", "beneficiaries"]`): the location goes after them.
    public let path: [String]
    /// The options and arguments after the location; a placeholder in capitals (`NOME`, `CARTELLA`) is left for
    /// the reader to replace.
    public let arguments: [String]
    /// The account the command runs as, through `sudo -u` (`spunta`, who owns the server's archive); nil for the
    /// reader's own account.
    public let runAs: String?

    public init(_ program: Program, _ path: [String], arguments: [String] = [], runAs: String? = nil) {
        self.program = program
        self.path = path
        self.arguments = arguments
        self.runAs = runAs
    }

    /// The same command run as `user` through `sudo -u`; as the reader's own account when nil.
    public func running(as user: String?) -> CommandHint {
        CommandHint(program, path, arguments: arguments, runAs: user)
    }

    /// `spunta-server` followed by `path` and `arguments`.
    public static func server(_ path: String..., arguments: [String] = []) -> CommandHint {
        CommandHint(.server, path, arguments: arguments)
    }

    /// `spunta` followed by `path` and `arguments`.
    public static func client(_ path: String..., arguments: [String] = []) -> CommandHint {
        CommandHint(.client, path, arguments: arguments)
    }

    /// The command as words, `sudo -u` its account first when it has one, with `location` (`["--db",
    /// "/var/lib/spunta/comune.sqlite"]`, or none when the user's environment names it) after the subcommand: each
    /// word still to be quoted for the shell.
    public func words(location: [String]) -> [String] {
        (runAs.map { ["sudo", "-u", $0] } ?? []) + [program.rawValue] + path + location + arguments
    }
}

/// A message with commands in it (`"Dispositivo 7 inesistente: l'elenco con \(CommandHint.server("devices"))."`):
/// text where it is text, a `CommandHint` where a command is, so that whoever prints it can write each command for
/// the shell with the location the user actually used.
public struct HintedText: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        case text(String)
        case command(CommandHint)
    }

    public private(set) var parts: [Part]

    public init(stringLiteral value: String) {
        parts = value.isEmpty ? [] : [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            append(literal)
        }

        public mutating func appendInterpolation(_ hint: CommandHint) {
            parts.append(.command(hint))
        }

        public mutating func appendInterpolation(_ text: HintedText) {
            for part in text.parts {
                switch part {
                case .text(let string): append(string)
                case .command: parts.append(part)
                }
            }
        }

        public mutating func appendInterpolation<T>(_ value: T) {
            append(String(describing: value))
        }

        private mutating func append(_ string: String) {
            guard !string.isEmpty else { return }
            if case .text(let previous)? = parts.last {
                parts[parts.count - 1] = .text(previous + string)
            } else {
                parts.append(.text(string))
            }
        }
    }

    /// The text with each command written by `command`.
    public func rendered(_ command: (CommandHint) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let string): string
            case .command(let hint): command(hint)
            }
        }.joined()
    }

    /// The text with each command's words as they are, without a location: for readers that are not at a shell
    /// (a log, the wire) and for users whose environment (SPUNTA_DB, SPUNTA_HOME) names the location.
    public var description: String {
        rendered { $0.words(location: []).joined(separator: " ") }
    }

    /// Both texts, one after the other.
    public static func + (lhs: HintedText, rhs: HintedText) -> HintedText {
        "\(lhs)\(rhs)"
    }
}

/// An error whose message names commands to run: `hintedMessage` keeps them as `CommandHint`s for the command line
/// to write with the user's `--db` or `--home`; `userMessage` (of `UserFacingError`) is its plain description.
public protocol HintingError: Error {
    var hintedMessage: HintedText { get }
}
