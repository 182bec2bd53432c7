import SpuntaDomain
import Testing

/// The commands a page or a mailed alert gives are typed on the server by someone else: with the archive the server
/// runs on and, when a service account owns it, through `sudo -u`, so that they run as printed.
@Suite("Commands written for the server")
struct ServerShellTests {
    @Test("the archive's owner is run as through sudo only when it is a service account nobody logs in as", arguments: [
        ("spunta", "/usr/sbin/nologin", "spunta" as String?),
        ("spunta", "/sbin/nologin", "spunta"),
        ("spunta", "/bin/false", "spunta"),
        ("mrossi", "/bin/bash", nil),
        ("root", "/bin/bash", nil),
        ("", "/usr/sbin/nologin", nil),
    ])
    func serviceUser(owner: String, shell: String, expected: String?) {
        #expect(ServerShell.serviceUser(owner: owner, shell: shell) == expected)
    }

    @Test("a server command gets sudo -u first and --db after the subcommand; a device's command stays as it is")
    func words() {
        let shell = ServerShell(database: "/var/lib/spunta/comune.sqlite", serviceUser: "spunta")
        #expect(shell.line(.server("admin-token")) == "sudo -u spunta spunta-server admin-token --db /var/lib/spunta/comune.sqlite")
        #expect(shell.line(.server("conflicts", "resolve", arguments: ["12", "--note", "MOTIVO"]))
                == "sudo -u spunta spunta-server conflicts resolve --db /var/lib/spunta/comune.sqlite 12 --note MOTIVO")
        #expect(shell.line(.client("enroll")) == "spunta enroll")
        #expect(ServerShell(database: "/srv/un archivio/c.sqlite").line(.server("devices")) == "spunta-server devices --db '/srv/un archivio/c.sqlite'")
        #expect(ServerShell(database: nil).line(.server("devices")) == "spunta-server devices")
        #expect(CommandHint.server("devices").running(as: "spunta").words(location: []) == ["sudo", "-u", "spunta", "spunta-server", "devices"])
    }

    @Test("a line the shell quoting wrote splits back into the same quoted words", arguments: [
        ["spunta-server", "import", "--db", "/tmp/archivio d'esempio/c.sqlite", "FILE"],
        ["spunta-server", "absences", "add", "--reason", "gita a 'Roma' \\ e ritorno", "--actor", "Maria Rossi"],
        ["sudo", "-u", "spunta", "spunta-server", "devices"],
    ])
    func split(words: [String]) {
        let quoted = words.map(ShellWord.quoted)
        #expect(ShellWord.split(quoted.joined(separator: " ")) == quoted)
    }
}
