import SpuntaBench
import SpuntaCLI

await BenchCommand.main()
