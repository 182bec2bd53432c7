import SpuntaCLI

await SpuntaServerCommand.main()
