// Module SpuntaCrypto.
