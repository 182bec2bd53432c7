// Module SpuntaProtocol.
