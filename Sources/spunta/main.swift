import SpuntaCLI

await SpuntaCommand.main()
