import Foundation
import SpuntaClient
import SpuntaStore
import SpuntaTestSupport
import Testing

/// The commands a field screen or `spunta status` suggests are copied into a shell as printed: each on lines of its
/// own (a long one continued with `\`, within 40 columns), naming the device folder given with --home, quoted when
/// its path has a space or a quote, and running from another folder.
@Suite("Device hints run as printed")
struct ClientHintsRunAsPrintedTests {
    /// A copy of `door`'s device folder in a folder whose name needs quoting, and another folder to run from.
    static func quotedHome(_ door: FieldDevice) throws -> (folder: TemporaryFolder, home: String) {
        let folder = try TemporaryFolder("spunta-hints-home")
        let home = folder.path("cartella d'esempio")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Database(path: DeviceHome(path: door.home).databasePath).backup(to: DeviceHome(path: home).databasePath)
        return (folder, home)
    }

    static func spunta(_ arguments: [String], input: String) throws -> (status: Int32, output: String, errors: String) {
        let process = try ChildProcess("spunta", arguments)
        process.send(input)
        process.closeInput()
        let status = process.wait()
        return (status, process.output.joined(separator: "\n"), process.errors)
    }

    @Test("the scan screen's way to cancel an earlier line: spunta recent and spunta void N with the --home given, within 40 columns, run as printed")
    func scanScreenHintsRun() throws {
        let door = try FieldDevice(.canteenS01)
        let (folder, home) = try Self.quotedHome(door)
        let card = try #require(try door.canteenCards().first).payload
        // A meal, cancelled with «-» and «s»; «-» again: the screen says how to cancel an earlier one.
        let screen = try Self.spunta(["scan", "--service", "canteen", "--date", schoolDay, "--home", home],
                                     input: "\(card)\n-\ns\n-\nq\n")
        #expect(screen.status == 0, "\(screen.errors)")
        #expect(screen.output.split(separator: "\n").allSatisfy { $0.count <= 40 }, "\(screen.output)")
        // Each command is introduced by what it is for, in words: not «prima:» alone on a line.
        let flat = screen.output.replacingOccurrences(of: "\n", with: " ")
        #expect(flat.contains("trovarne il numero con:") && flat.contains("poi annullarla con:"), "\(screen.output)")
        let commands = CopiedCommand.all("spunta", in: screen.output)
        try #require(commands.count == 2, "\(screen.output)")
        #expect(try CopiedCommand.words(commands[0], program: "spunta") == ["spunta", "recent", "--home", home], "\(screen.output)")
        #expect(try CopiedCommand.words(commands[1], program: "spunta") == ["spunta", "void", "--home", home, "N", "--reason", "MOTIVO"],
                "\(screen.output)")

        let elsewhere = try TemporaryFolder("spunta-hints-cwd")
        let recent = try CopiedCommand.run(commands[0], in: elsewhere.url)
        #expect(recent.status == 0, "«\(commands[0])» failed: \(recent.error)")
        #expect(recent.output.contains("1 "), "\(recent.output)")
        // N and MOTIVO are the reader's: the first line of the list; cancelled or refused as already cancelled, the
        // command reaches the device's list.
        let void = commands[1].replacingOccurrences(of: " N ", with: " 1 ").replacingOccurrences(of: "MOTIVO", with: "prova")
        let voided = try CopiedCommand.run(void, in: elsewhere.url)
        #expect(voided.status != 2 && !voided.error.contains("Uso:"), "«\(void)» is not a valid command line: \(voided.error)")
        withExtendedLifetime(folder) {}
    }

    @Test("spunta status on a device the server no longer knows: the enroll command with the --home given runs as printed")
    func statusEnrollHintRuns() throws {
        let door = try FieldDevice(.canteenS01)
        let (folder, home) = try Self.quotedHome(door)
        try DeviceHome(path: home).open().write { db in try db.run("UPDATE sync_state SET unknown_to_server = 1 WHERE id = 1") }
        let status = try Self.spunta(["status", "--home", home], input: "")
        #expect(status.status == 3, "\(status.errors)")
        #expect(status.output.split(separator: "\n").allSatisfy { $0.count <= 40 }, "\(status.output)")
        let command = try #require(CopiedCommand.all("spunta", in: status.output).first, "\(status.output)")
        #expect(try CopiedCommand.words(command, program: "spunta") == ["spunta", "enroll", "--home", home, "--code", "CODICE"], "\(status.output)")
        // Run as printed with a code: it reaches the device's server (nowhere here), not a usage error.
        let elsewhere = try TemporaryFolder("spunta-hints-cwd")
        let enrolled = try CopiedCommand.run(command.replacingOccurrences(of: "CODICE", with: "K7M2-QX9P-4TWA"), in: elsewhere.url)
        #expect(enrolled.status == 1, "\(enrolled.error)")
        #expect(!enrolled.error.contains("Uso:") && !enrolled.error.contains("non registrato"), "\(enrolled.error)")
        withExtendedLifetime(folder) {}
    }
}
