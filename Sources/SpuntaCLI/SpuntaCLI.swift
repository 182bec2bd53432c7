// Module SpuntaCLI.
