/// How a command is run on the server, for a reader who is not at the command line that wrote the message (an
/// alert mailed to the office, the admin's web page): the archive the server runs on, named with `--db`, and the
/// service account nobody logs in as (`spunta` in the README) that owns it, through `sudo -u`, so that the
/// command leaves no file the server cannot open and runs as printed.
public struct ServerShell: Sendable, Hashable {
    /// The archive's absolute path; nil when the server runs on none a reader could name (a database in memory).
    public var database: String?
    /// The account the commands run as through `sudo -u`; nil when the reader runs them as themselves.
    public var serviceUser: String?

    public init(database: String?, serviceUser: String? = nil) {
        self.database = database
        self.serviceUser = serviceUser
    }

    /// A server command's words as a person types them on the server: `sudo -u` the service account when there is
    /// one, and `--db` the archive after the subcommand. A device's command (`spunta …`) runs on the device: as it is.
    public func words(_ hint: CommandHint) -> [String] {
        guard hint.program == .server else { return hint.words(location: []) }
        return hint.running(as: serviceUser).words(location: database.map { ["--db", $0] } ?? [])
    }

    /// The command as one line for the shell, each word quoted as `ShellWord` quotes it.
    public func line(_ hint: CommandHint) -> String {
        words(hint).map(ShellWord.quoted).joined(separator: " ")
    }

    /// Whom to run the commands as, from the archive's owner and the owner's login shell: an account whose shell is
    /// `nologin` or `false` is a service account, nobody's keyboard, so the commands go through `sudo -u` it; a
    /// person's account (or root) is the one who reads them, and runs them as they are.
    public static func serviceUser(owner: String, shell: String) -> String? {
        let program = shell.split(separator: "/").last.map(String.init) ?? shell
        return ["nologin", "false"].contains(program) && !owner.isEmpty ? owner : nil
    }
}
